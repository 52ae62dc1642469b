import { type Disposable, TypedEmitter } from '../../domain/disposable.js';
import type { ReelayEvent, StoredEvent } from '../../domain/events.js';
import type { EventLog } from '../event-log.js';

type Keyed = { type: string; event: StoredEvent };

/** In-memory {@link EventLog}: ids per job start at 1 and increase by one. */
export class MemoryEventLog implements EventLog {
  private readonly byJob = new Map<string, StoredEvent[]>();
  private readonly live = new TypedEmitter<Keyed>();

  async append(event: ReelayEvent): Promise<StoredEvent> {
    return this.appendNow(event);
  }

  /** All at once: no other append comes between two of `events`. */
  async appendMany(events: readonly ReelayEvent[]): Promise<StoredEvent[]> {
    return events.map((event) => this.appendNow(event));
  }

  private appendNow(event: ReelayEvent): StoredEvent {
    let list = this.byJob.get(event.jobId);
    if (!list) {
      list = [];
      this.byJob.set(event.jobId, list);
    }
    const stored = { ...event, id: list.length + 1 } as StoredEvent;
    list.push(stored);
    this.live.emit({ type: event.jobId, event: stored });
    return stored;
  }

  async read(jobId: string, afterId = 0, limit = Number.POSITIVE_INFINITY): Promise<StoredEvent[]> {
    const list = this.byJob.get(jobId) ?? [];
    return list.slice(Math.max(0, afterId), Math.max(0, afterId) + limit);
  }

  async lastId(jobId: string): Promise<number> {
    return this.byJob.get(jobId)?.length ?? 0;
  }

  subscribe(jobId: string, listener: (event: StoredEvent) => void): Disposable {
    return this.live.on(jobId, (keyed) => listener(keyed.event));
  }
}
