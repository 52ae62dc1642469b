import type pg from 'pg';
import { type Disposable, TypedEmitter } from '../../domain/disposable.js';
import type { ReelayEvent, StoredEvent } from '../../domain/events.js';
import type { EventLog } from '../event-log.js';
import { inTransaction, type PostgresDatabase } from './open-postgres.js';
import { WAKE_CHANNEL, wakePayload } from './postgres-notifier.js';

type Keyed = { type: string; event: StoredEvent };

/** Options of {@link PostgresEventLog}. */
export interface PostgresEventLogOptions {
  /** Each append notifies other processes at commit (off when Redis carries live events). @default true */
  notify?: boolean;
  /**
   * Appends commit without waiting for PostgreSQL's WAL flush (`synchronous_commit = off` for
   * these statements only). A crash of a Reelay process loses nothing; a crash of the PostgreSQL
   * server (or its host) may lose the events of its last ~0.6 s, unless a later ordinary commit
   * (job status, checkpoint) flushed them. @default false
   */
  asyncCommit?: boolean;
}
type Queryable = Pick<pg.Pool, 'query'>;

/**
 * One job's append: $1 job, $2 how many, $3 types, $4 timestamps, $5 events (JSON, without ids),
 * $6 whether to commit without waiting for the WAL flush (set for this transaction only).
 * The counter row starts from the job's highest stored id, so ids continue across the migration.
 * Data-modifying CTEs run once and to completion, in one statement (one implicit transaction).
 */
const APPEND_CTE = `WITH cfg AS (
    SELECT set_config('synchronous_commit', CASE WHEN $6::boolean THEN 'off' ELSE current_setting('synchronous_commit') END, true) AS sc
  ), seq AS (
    INSERT INTO event_seq (job_id, last)
    VALUES ($1, (SELECT COALESCE(MAX(id), 0) FROM events WHERE job_id = $1) + $2::bigint)
    ON CONFLICT (job_id) DO UPDATE SET last = event_seq.last + $2::bigint
    RETURNING last
  ), ins AS (
    INSERT INTO events (job_id, id, type, timestamp, data)
    SELECT $1, seq.last - $2::bigint + e.n, e.type, e.ts,
           e.data || jsonb_build_object('id', seq.last - $2::bigint + e.n)
    FROM seq, unnest($3::text[], $4::text[], $5::jsonb[]) WITH ORDINALITY AS e(type, ts, data, n)
  )`;
const APPEND_SQL = `${APPEND_CTE} SELECT last - $2::bigint + 1 AS first, cfg.sc FROM seq, cfg`;
/** The same, and notifies other processes at commit ($7: the wake payload). */
const APPEND_AND_NOTIFY_SQL = `${APPEND_CTE} SELECT last - $2::bigint + 1 AS first, cfg.sc, pg_notify('${WAKE_CHANNEL}', $7) FROM seq, cfg`;

/**
 * {@link EventLog} on PostgreSQL. Ids are handed out per job by its counter row in `event_seq`
 * (advanced under the row's lock, unique on (job_id, id)), so they stay 1, 2, 3… across every
 * process. `subscribe` delivers only events appended through this instance; every append also
 * notifies other processes (`LISTEN/NOTIFY`, see `PostgresNotifier`), which then `read` from their
 * last id.
 */
export class PostgresEventLog implements EventLog {
  private readonly live: TypedEmitter<Keyed>;

  private readonly notify: boolean;
  private readonly asyncCommit: boolean;

  /** @param onListenerError receives errors thrown by subscribers (they never break `append`). */
  constructor(
    private readonly db: PostgresDatabase,
    onListenerError: (error: unknown) => void = () => {},
    options: PostgresEventLogOptions = {},
  ) {
    this.live = new TypedEmitter<Keyed>(onListenerError);
    this.notify = options.notify ?? true;
    this.asyncCommit = options.asyncCommit ?? false;
  }

  async append(event: ReelayEvent): Promise<StoredEvent> {
    const [stored] = await this.appendMany([event]);
    return stored as StoredEvent;
  }

  /**
   * Stores `events` with ids continuing each job's. Events of one job (the usual batch: one job's
   * write queue) take one statement, so one round trip and one commit: the job's counter row in
   * `event_seq` is advanced (its row lock orders concurrent writers of the job, in any process),
   * the events are inserted with the ids it handed out and, unless notifications are off, other
   * processes are notified at commit. Events of several jobs take one such statement per job, in
   * one transaction, jobs in a fixed order (no deadlock between two such writers).
   */
  async appendMany(events: readonly ReelayEvent[]): Promise<StoredEvent[]> {
    const byJob = new Map<string, ReelayEvent[]>();
    for (const event of events) byJob.set(event.jobId, [...(byJob.get(event.jobId) ?? []), event]);
    const firstIds = new Map<string, number>();
    if (byJob.size === 1) {
      const [jobId, own] = [...byJob][0] as [string, ReelayEvent[]];
      firstIds.set(jobId, await this.insertJob(this.db.pool, jobId, own));
    } else {
      await inTransaction(this.db.pool, async (client) => {
        for (const jobId of [...byJob.keys()].sort())
          firstIds.set(jobId, await this.insertJob(client, jobId, byJob.get(jobId) ?? []));
      });
    }
    const stored = events.map((event) => {
      const id = firstIds.get(event.jobId) ?? 1;
      firstIds.set(event.jobId, id + 1);
      return { ...event, id } as StoredEvent;
    });
    for (const event of stored) this.live.emit({ type: event.jobId, event });
    return stored;
  }

  /** Inserts one job's events in one statement; returns the first id they got. */
  private async insertJob(db: Queryable, jobId: string, events: readonly ReelayEvent[]): Promise<number> {
    const { rows } = await db.query<{ first: string }>(this.notify ? APPEND_AND_NOTIFY_SQL : APPEND_SQL, [
      jobId,
      events.length,
      events.map((e) => e.type),
      events.map((e) => e.timestamp),
      events.map((e) => JSON.stringify(e)),
      this.asyncCommit,
      ...(this.notify ? [wakePayload(this.db.schema, 'events', jobId)] : []),
    ]);
    return Number(rows[0]?.first ?? 1);
  }

  async read(jobId: string, afterId = 0, limit = Number.POSITIVE_INFINITY): Promise<StoredEvent[]> {
    const n = Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : null;
    const { rows } = await this.db.pool.query<{ data: StoredEvent }>(
      'SELECT data FROM events WHERE job_id = $1 AND id > $2::bigint ORDER BY id LIMIT $3',
      [jobId, afterId, n],
    );
    return rows.map((r) => r.data);
  }

  async lastId(jobId: string): Promise<number> {
    const { rows } = await this.db.pool.query<{ last: number }>(
      'SELECT COALESCE(MAX(id), 0) AS last FROM events WHERE job_id = $1',
      [jobId],
    );
    return Number(rows[0]?.last ?? 0);
  }

  subscribe(jobId: string, listener: (event: StoredEvent) => void): Disposable {
    return this.live.on(jobId, (keyed) => listener(keyed.event));
  }
}
