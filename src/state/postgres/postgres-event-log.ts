import { type Disposable, TypedEmitter } from '../../domain/disposable.js';
import type { ReelayEvent, StoredEvent } from '../../domain/events.js';
import type { EventLog } from '../event-log.js';
import { inTransaction, type PostgresDatabase } from './open-postgres.js';
import { NOTIFY_SQL, wakePayload } from './postgres-notifier.js';

type Keyed = { type: string; event: StoredEvent };

/**
 * {@link EventLog} on PostgreSQL. Ids are assigned per job under a transaction-scoped advisory
 * lock on the job (max(id) + 1, unique on (job_id, id)), so they stay 1, 2, 3… across every
 * process. `subscribe` delivers only events appended through this instance; every append also
 * notifies other processes (`LISTEN/NOTIFY`, see `PostgresNotifier`), which then `read` from their
 * last id.
 */
export class PostgresEventLog implements EventLog {
  private readonly live: TypedEmitter<Keyed>;

  /** @param onListenerError receives errors thrown by subscribers (they never break `append`). */
  constructor(
    private readonly db: PostgresDatabase,
    onListenerError: (error: unknown) => void = () => {},
  ) {
    this.live = new TypedEmitter<Keyed>(onListenerError);
  }

  async append(event: ReelayEvent): Promise<StoredEvent> {
    const [stored] = await this.appendMany([event]);
    return stored as StoredEvent;
  }

  /** One transaction (one commit, one notification per job) for all of `events`. */
  async appendMany(events: readonly ReelayEvent[]): Promise<StoredEvent[]> {
    const jobIds = [...new Set(events.map((e) => e.jobId))];
    const stored = await inTransaction(this.db.pool, async (client) => {
      const next = new Map<string, number>();
      // Locks in a fixed order, so two writers of several jobs never deadlock.
      for (const jobId of [...jobIds].sort()) {
        await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
          `reelay-events:${jobId}`,
        ]);
        const { rows } = await client.query<{ next: number }>(
          'SELECT COALESCE(MAX(id), 0) + 1 AS next FROM events WHERE job_id = $1',
          [jobId],
        );
        next.set(jobId, Number(rows[0]?.next ?? 1));
      }
      const out: StoredEvent[] = [];
      for (const event of events) {
        const id = next.get(event.jobId) ?? 1;
        next.set(event.jobId, id + 1);
        const withId = { ...event, id } as StoredEvent;
        await client.query(
          'INSERT INTO events (job_id, id, type, timestamp, data) VALUES ($1, $2, $3, $4, $5)',
          [event.jobId, id, event.type, event.timestamp, JSON.stringify(withId)],
        );
        out.push(withId);
      }
      // Delivered at commit to every process listening (PostgresNotifier): no polling for live events.
      for (const jobId of jobIds)
        await client.query(NOTIFY_SQL, [wakePayload(this.db.schema, 'events', jobId)]);
      return out;
    });
    for (const event of stored) this.live.emit({ type: event.jobId, event });
    return stored;
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
