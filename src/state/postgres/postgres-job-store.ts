import { type Clock, isoAt, systemClock } from '../../domain/clock.js';
import type { JobRecord, LeaseHolder } from '../../domain/job-record.js';
import { isLeaseExpired, recoverJob, renewJobLease, startJob } from '../../domain/job-state-machine.js';
import type { JobListQuery, JobPage, JobStore } from '../job-store.js';
import {
  DEFAULT_MAX_UPDATE_ATTEMPTS,
  decodeCursor,
  encodeCursor,
  jobExists,
  jobNotFound,
  nextVersion,
  pageSize,
  updateContention,
} from '../job-store-support.js';
import { localLeaseHolder } from '../process-liveness.js';
import { inTransaction, type PostgresDatabase } from './open-postgres.js';
import { NOTIFY_SQL, wakePayload } from './postgres-notifier.js';
import { HOLDER_SESSION_ENDED, PostgresSessionLock } from './postgres-session-lock.js';

/** Options of {@link PostgresJobStore}. */
export interface PostgresJobStoreOptions {
  /** Source of `updatedAt` and of lease renewal time. @default systemClock */
  clock?: Clock;
  /** Lost optimistic-concurrency races tolerated by `update`. @default 10 */
  maxUpdateAttempts?: number;
}

interface JobRow {
  seq: string;
  data: JobRecord;
}

type Queryable = Pick<PostgresDatabase['pool'], 'query'>;

const leaseMs = (r: JobRecord): number | null => (r.lease ? Date.parse(r.lease.expiresAt) : null);

/**
 * {@link JobStore} on PostgreSQL. `update` is a compare-and-swap on `version`; `claim` locks the
 * chosen row with `FOR UPDATE SKIP LOCKED`, so concurrent workers never take the same job.
 * A worker's leases name its session's advisory lock ({@link PostgresSessionLock}): a running
 * job whose worker's session ended is claimable at once, without waiting for the lease to lapse.
 */
export class PostgresJobStore implements JobStore {
  private readonly clock: Clock;
  private readonly maxUpdateAttempts: number;
  private readonly session: PostgresSessionLock;

  constructor(
    private readonly db: PostgresDatabase,
    options: PostgresJobStoreOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.maxUpdateAttempts = options.maxUpdateAttempts ?? DEFAULT_MAX_UPDATE_ATTEMPTS;
    this.session = new PostgresSessionLock(db.pool);
  }

  async leaseHolder(): Promise<LeaseHolder> {
    const session = await this.session.sessionKey();
    return localLeaseHolder(session);
  }

  async isHolderGone(job: JobRecord): Promise<boolean> {
    if (job.status !== 'running' || job.lease?.holder?.session === undefined) return false;
    const { rows } = await this.db.pool.query<{ gone: boolean }>(
      `SELECT ${HOLDER_SESSION_ENDED} AS gone FROM jobs WHERE id = $1`,
      [job.id],
    );
    return rows[0]?.gone === true;
  }

  /** Ends this process's liveness session (call before closing the pool). */
  releaseSession(): void {
    this.session.release();
  }

  async create(record: JobRecord): Promise<JobRecord> {
    const { rowCount } = await this.db.pool.query(
      `INSERT INTO jobs (id, status, lease_expires_at, version, created_at, data)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
      [record.id, record.status, leaseMs(record), record.version, record.createdAt, JSON.stringify(record)],
    );
    if (rowCount === 0) throw jobExists(record.id);
    // Wakes idle workers of other processes (PostgresNotifier); their slow poll is only the backstop.
    await this.db.pool.query(NOTIFY_SQL, [wakePayload(this.db.schema, 'jobs')]).catch(() => undefined);
    return structuredClone(record);
  }

  async get(id: string): Promise<JobRecord | null> {
    const { rows } = await this.db.pool.query<JobRow>('SELECT seq, data FROM jobs WHERE id = $1', [id]);
    return rows[0]?.data ?? null;
  }

  async update(id: string, mutate: (record: JobRecord) => JobRecord): Promise<JobRecord> {
    for (let attempt = 1; attempt <= this.maxUpdateAttempts; attempt++) {
      const current = await this.get(id);
      if (!current) throw jobNotFound(id);
      const next = nextVersion(current, mutate(structuredClone(current)), isoAt(this.clock));
      if (await swap(this.db.pool, next, current.version)) return next;
    }
    throw updateContention(id, this.maxUpdateAttempts);
  }

  async list(query: JobListQuery = {}): Promise<JobPage> {
    const limit = pageSize(query.limit);
    const before = query.cursor === undefined ? Number.MAX_SAFE_INTEGER : decodeCursor(query.cursor);
    const { rows } = await this.db.pool.query<JobRow>(
      `SELECT seq, data FROM jobs WHERE seq < $1 AND ($2::text IS NULL OR status = $2)
       ORDER BY seq DESC LIMIT $3`,
      [before, query.status ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => r.data),
      nextCursor: rows.length > limit && last ? encodeCursor(Number(last.seq)) : null,
    };
  }

  async claim(owner: string, lease: number, now: number): Promise<JobRecord | null> {
    const holder = await this.leaseHolder();
    return inTransaction(this.db.pool, async (client) => {
      const { rows } = await client.query<JobRow>(
        `SELECT seq, data FROM jobs
         WHERE status = 'queued'
            OR (status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at <= $1
                OR ${HOLDER_SESSION_ENDED}))
         ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [now],
      );
      const current = rows[0]?.data;
      if (!current) return null;
      // Selected while its lease still runs: only because its holder's session ended.
      const requeued =
        current.status === 'running'
          ? recoverJob(current, now, { holderGone: !isLeaseExpired(current, now) })
          : current;
      const next = nextVersion(
        current,
        startJob(requeued, { owner, leaseMs: lease, now, holder }),
        new Date(now).toISOString(),
      );
      if (!(await swap(client, next, current.version))) throw updateContention(current.id, 1);
      return next;
    });
  }

  async renewLease(id: string, owner: string, lease: number): Promise<JobRecord> {
    return this.update(id, (r) => renewJobLease(r, owner, lease, this.clock.now()));
  }
}

/** Stores `next` if the stored version is still `expected`; false when someone got there first. */
async function swap(db: Queryable, next: JobRecord, expected: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE jobs SET status = $2, lease_expires_at = $3, version = $4, data = $5
     WHERE id = $1 AND version = $6`,
    [next.id, next.status, leaseMs(next), next.version, JSON.stringify(next), expected],
  );
  return rowCount === 1;
}
