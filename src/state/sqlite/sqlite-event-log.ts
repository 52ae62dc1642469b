import { type Disposable, TypedEmitter } from '../../domain/disposable.js';
import type { ReelayEvent, StoredEvent } from '../../domain/events.js';
import type { EventLog } from '../event-log.js';
import type { SqliteDatabase } from './open-sqlite.js';
import { prepared } from './prepared.js';

type Keyed = { type: string; event: StoredEvent };

/**
 * {@link EventLog} on the embedded SQLite file. Ids are assigned per job inside an IMMEDIATE
 * transaction (max(id) + 1, unique on (job_id, id)), so they stay 1, 2, 3… even with several
 * processes sharing the file. `subscribe` delivers only events appended through this instance:
 * live delivery across processes is the Redis event stream's job; other readers replay with
 * `read(jobId, afterId)`.
 */
export class SqliteEventLog implements EventLog {
  private readonly live: TypedEmitter<Keyed>;

  /** @param onListenerError receives errors thrown by subscribers (they never break `append`). */
  constructor(
    private readonly db: SqliteDatabase,
    onListenerError: (error: unknown) => void = () => {},
  ) {
    this.live = new TypedEmitter<Keyed>(onListenerError);
  }

  async append(event: ReelayEvent): Promise<StoredEvent> {
    const [stored] = await this.appendMany([event]);
    return stored as StoredEvent;
  }

  /** One IMMEDIATE transaction (one lock, one commit) for all of `events`. */
  async appendMany(events: readonly ReelayEvent[]): Promise<StoredEvent[]> {
    const next = prepared(
      this.db,
      'SELECT COALESCE(MAX(id), 0) + 1 AS next FROM events WHERE job_id = :jobId',
    );
    const insert = prepared(
      this.db,
      'INSERT INTO events (job_id, id, type, timestamp, data) VALUES (:jobId, :id, :type, :timestamp, :data)',
    );
    const stored = this.db
      .transaction((): StoredEvent[] =>
        events.map((event) => {
          const row = next.get({ jobId: event.jobId }) as { next: number };
          const withId = { ...event, id: row.next } as StoredEvent;
          insert.run({
            jobId: event.jobId,
            id: row.next,
            type: event.type,
            timestamp: event.timestamp,
            data: JSON.stringify(withId),
          });
          return withId;
        }),
      )
      .immediate();
    for (const event of stored) this.live.emit({ type: event.jobId, event });
    return stored;
  }

  async read(jobId: string, afterId = 0, limit = Number.POSITIVE_INFINITY): Promise<StoredEvent[]> {
    // SQLite reads LIMIT -1 as "no limit".
    const n = Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : -1;
    const rows = prepared(
      this.db,
      'SELECT data FROM events WHERE job_id = :jobId AND id > :afterId ORDER BY id LIMIT :n',
    ).all({ jobId, afterId, n }) as Array<{ data: string }>;
    return rows.map((r) => JSON.parse(r.data) as StoredEvent);
  }

  async lastId(jobId: string): Promise<number> {
    const row = prepared(
      this.db,
      'SELECT COALESCE(MAX(id), 0) AS last FROM events WHERE job_id = :jobId',
    ).get({ jobId }) as { last: number };
    return row.last;
  }

  subscribe(jobId: string, listener: (event: StoredEvent) => void): Disposable {
    return this.live.on(jobId, (keyed) => listener(keyed.event));
  }
}
