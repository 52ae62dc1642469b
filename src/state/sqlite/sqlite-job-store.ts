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
import { isLocalHolderGone, localLeaseHolder } from '../process-liveness.js';
import type { SqliteDatabase } from './open-sqlite.js';
import { prepared } from './prepared.js';

/** Options of {@link SqliteJobStore}. */
export interface SqliteJobStoreOptions {
  /** Source of `updatedAt` and of lease renewal time. @default systemClock */
  clock?: Clock;
  /** Lost optimistic-concurrency races tolerated by `update`. @default 10 */
  maxUpdateAttempts?: number;
}

interface JobRow {
  seq: number;
  data: string;
}

function columns(record: JobRecord): Record<string, string | number | null> {
  return {
    id: record.id,
    status: record.status,
    leaseExpiresAt: record.lease ? Date.parse(record.lease.expiresAt) : null,
    version: record.version,
    data: JSON.stringify(record),
  };
}

const parse = (row: JobRow): JobRecord => JSON.parse(row.data) as JobRecord;

/**
 * {@link JobStore} on the embedded SQLite file. `update` is a compare-and-swap on `version`
 * (safe across processes sharing the file); `claim` runs in an IMMEDIATE transaction.
 */
export class SqliteJobStore implements JobStore {
  private readonly clock: Clock;
  private readonly maxUpdateAttempts: number;

  constructor(
    private readonly db: SqliteDatabase,
    options: SqliteJobStoreOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.maxUpdateAttempts = options.maxUpdateAttempts ?? DEFAULT_MAX_UPDATE_ATTEMPTS;
  }

  async create(record: JobRecord): Promise<JobRecord> {
    const { changes } = prepared(
      this.db,
      `INSERT INTO jobs (id, status, lease_expires_at, version, created_at, data)
         VALUES (:id, :status, :leaseExpiresAt, :version, :createdAt, :data)
         ON CONFLICT (id) DO NOTHING`,
    ).run({ ...columns(record), createdAt: record.createdAt });
    if (changes === 0) throw jobExists(record.id);
    return structuredClone(record);
  }

  async get(id: string): Promise<JobRecord | null> {
    const row = prepared(this.db, 'SELECT seq, data FROM jobs WHERE id = :id').get({ id }) as
      | JobRow
      | undefined;
    return row ? parse(row) : null;
  }

  async update(id: string, mutate: (record: JobRecord) => JobRecord): Promise<JobRecord> {
    for (let attempt = 1; attempt <= this.maxUpdateAttempts; attempt++) {
      const row = prepared(this.db, 'SELECT seq, data FROM jobs WHERE id = :id').get({ id }) as
        | JobRow
        | undefined;
      if (!row) throw jobNotFound(id);
      const current = parse(row);
      const next = nextVersion(current, mutate(parse(row)), isoAt(this.clock));
      if (this.swap(next, current.version)) return next;
    }
    throw updateContention(id, this.maxUpdateAttempts);
  }

  async list(query: JobListQuery = {}): Promise<JobPage> {
    const limit = pageSize(query.limit);
    const before = query.cursor === undefined ? Number.MAX_SAFE_INTEGER : decodeCursor(query.cursor);
    const rows = prepared(
      this.db,
      `SELECT seq, data FROM jobs
         WHERE seq < :before AND (:status IS NULL OR status = :status)
         ORDER BY seq DESC LIMIT :n`,
    ).all({ before, status: query.status ?? null, n: limit + 1 }) as JobRow[];
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(parse),
      nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null,
    };
  }

  async leaseHolder(): Promise<LeaseHolder> {
    return localLeaseHolder();
  }

  async isHolderGone(job: JobRecord): Promise<boolean> {
    return job.status === 'running' && isLocalHolderGone(job.lease?.holder);
  }

  async claim(owner: string, leaseMs: number, now: number): Promise<JobRecord | null> {
    const holder = localLeaseHolder();
    return this.db
      .transaction((): JobRecord | null => {
        const row = prepared(
          this.db,
          `SELECT seq, data FROM jobs
             WHERE status = 'queued'
                OR (status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at <= :now))
             ORDER BY seq LIMIT 1`,
        ).get({ now }) as JobRow | undefined;
        // One file means one host: a running job whose worker process is dead is taken at once.
        const current = row ? parse(row) : this.orphanedJob();
        if (!current) return null;
        const requeued =
          current.status === 'running'
            ? recoverJob(current, now, { holderGone: !isLeaseExpired(current, now) })
            : current;
        const next = nextVersion(
          current,
          startJob(requeued, { owner, leaseMs, now, holder }),
          new Date(now).toISOString(),
        );
        // Inside the write lock the swap cannot lose; checked anyway so a bug cannot double-claim.
        if (!this.swap(next, current.version)) throw updateContention(current.id, 1);
        return next;
      })
      .immediate();
  }

  /** The oldest running job whose lease holder is a dead process on this host, if any. */
  private orphanedJob(): JobRecord | undefined {
    const rows = prepared(
      this.db,
      `SELECT seq, data FROM jobs WHERE status = 'running' ORDER BY seq`,
    ).all() as JobRow[];
    for (const row of rows) {
      const job = parse(row);
      if (isLocalHolderGone(job.lease?.holder)) return job;
    }
    return undefined;
  }

  async renewLease(id: string, owner: string, leaseMs: number): Promise<JobRecord> {
    return this.update(id, (r) => renewJobLease(r, owner, leaseMs, this.clock.now()));
  }

  /** Stores `next` if the stored version is still `expected`; false when someone got there first. */
  private swap(next: JobRecord, expected: number): boolean {
    const { changes } = prepared(
      this.db,
      `UPDATE jobs SET status = :status, lease_expires_at = :leaseExpiresAt, version = :version, data = :data
         WHERE id = :id AND version = :expected`,
    ).run({ ...columns(next), expected });
    return changes === 1;
  }
}
