import type { Disposable } from '../domain/disposable.js';
import type { ReelayEvent, StoredEvent } from '../domain/events.js';

/**
 * The durable, per-job event log. Each appended event gets the next id of its job (1, 2, 3, …),
 * so a client can resume an SSE stream from any id with `Last-Event-ID`.
 */
export interface EventLog {
  /** Appends an event and returns it with its id. Ids never repeat or go backwards per job. */
  append(event: ReelayEvent): Promise<StoredEvent>;
  /**
   * Appends events in one write (one transaction where the store has them), in array order, with
   * the same ids one `append` each would give; all or none are stored where the store has
   * transactions (SQLite, PostgreSQL, memory). Optional: callers fall back
   * to one `append` per event.
   */
  appendMany?(events: readonly ReelayEvent[]): Promise<StoredEvent[]>;
  /** Events of a job with id > `afterId` (default 0), in id order, at most `limit`. */
  read(jobId: string, afterId?: number, limit?: number): Promise<StoredEvent[]>;
  /** The last id of a job (0 when it has no events). */
  lastId(jobId: string): Promise<number>;
  /** Live events of a job appended after the call (through this process or, for shared stores, any). */
  subscribe(jobId: string, listener: (event: StoredEvent) => void): Disposable;
}
