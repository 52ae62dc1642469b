import type { Redis } from 'ioredis';
import type { Disposable } from '../../domain/disposable.js';
import type { ReelayEvent, StoredEvent } from '../../domain/events.js';
import type { EventLog } from '../event-log.js';
import { RedisKeys } from './redis-keys.js';
import { StreamMultiplexer } from './stream-multiplexer.js';

/** Options of {@link RedisStreamEventLog}. */
export interface RedisStreamEventLogOptions {
  /** The durable log: assigns ids, serves replays, stays the truth. */
  durable: EventLog;
  /** Connection for XADD; blocking readers use duplicates of it. */
  redis: Redis;
  keys?: RedisKeys;
  /** Entries kept per job stream (approximately). @default 10000 */
  maxLen?: number;
  /** Streams expire this long after their last append. @default one day */
  retentionMs?: number;
  /** Longest one blocking read waits before it is re-armed anyway. @default 1000 */
  blockMs?: number;
  /** Name of the one blocking reader connection in `CLIENT LIST`. @default 'reelay-events' */
  readerName?: string;
  /** Told when the stream copy of an event could not be written (the durable log has it). */
  onError?: (error: unknown) => void;
}

interface Reader {
  listeners: Set<(event: StoredEvent) => void>;
  unfollow: () => void;
}

/**
 * An {@link EventLog} whose events, once in the durable log, are also appended to a Redis Stream
 * per job, so that every process (any API instance) receives every job's events live, whichever
 * worker produced them. Ids, replays (`read`) and `lastId` come from the durable log; a reader that
 * misses a stream entry is covered by the durable log (callers that need every id read it too).
 * All the job streams a process follows are read on one blocking connection ({@link StreamMultiplexer}).
 */
export class RedisStreamEventLog implements EventLog {
  private readonly keys: RedisKeys;
  private readonly readers = new Map<string, Reader>();
  /** Stream copies sent and not answered yet. */
  private readonly sending = new Set<Promise<void>>();
  private readonly streams: StreamMultiplexer;

  constructor(private readonly options: RedisStreamEventLogOptions) {
    this.keys = options.keys ?? new RedisKeys();
    this.streams = new StreamMultiplexer({
      redis: options.redis,
      ...(options.blockMs === undefined ? {} : { blockMs: options.blockMs }),
      ...(options.readerName === undefined ? {} : { connectionName: options.readerName }),
    });
  }

  async append(event: ReelayEvent): Promise<StoredEvent> {
    const [stored] = await this.appendMany([event]);
    return stored as StoredEvent;
  }

  /**
   * Stores `events` in the durable log (which assigns the ids), then sends their stream copies
   * without waiting for Redis' reply: the caller's next append does not wait a round trip. The
   * copies go out on the one command connection in call order, so a job's stream stays in id
   * order; a copy that fails is reported to `onError` and the durable log covers the gap.
   */
  async appendMany(events: readonly ReelayEvent[]): Promise<StoredEvent[]> {
    const durable = this.options.durable;
    const stored = durable.appendMany
      ? await durable.appendMany(events)
      : await sequentially(events, (event) => durable.append(event));
    this.publish(stored);
    return stored;
  }

  /** Resolves once every stream copy sent so far was answered or failed, or after `limitMs`. */
  async settled(limitMs = 2_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, limitMs);
    });
    const all = (async () => {
      while (this.sending.size > 0) await Promise.all(this.sending);
    })();
    await Promise.race([all, limit]);
    clearTimeout(timer);
  }

  private publish(events: readonly StoredEvent[]): void {
    if (events.length === 0) return;
    const multi = this.options.redis.multi();
    const expiring = new Set<string>();
    for (const event of events) {
      const key = this.keys.jobEvents(event.jobId);
      expiring.add(key);
      multi.xadd(
        key,
        'MAXLEN',
        '~',
        this.options.maxLen ?? 10_000,
        '*',
        'id',
        event.id,
        'e',
        JSON.stringify(event),
      );
    }
    for (const key of expiring) multi.pexpire(key, this.options.retentionMs ?? 86_400_000);
    const sent: Promise<void> = multi.exec().then(
      (replies) => {
        const failed = replies?.find(([error]) => error !== null)?.[0];
        if (failed) this.options.onError?.(failed);
      },
      (error: unknown) => this.options.onError?.(error),
    );
    this.sending.add(sent);
    void sent.finally(() => this.sending.delete(sent));
  }

  read(jobId: string, afterId?: number, limit?: number): Promise<StoredEvent[]> {
    return this.options.durable.read(jobId, afterId, limit);
  }

  lastId(jobId: string): Promise<number> {
    return this.options.durable.lastId(jobId);
  }

  /** Events appended after the call by any process, in stream order, each id once. */
  subscribe(jobId: string, listener: (event: StoredEvent) => void): Disposable {
    let lastDelivered = 0;
    const deliver = (event: StoredEvent): void => {
      if (event.id <= lastDelivered) return;
      lastDelivered = event.id;
      listener(event);
    };
    let reader = this.readers.get(jobId);
    if (reader === undefined) {
      reader = this.startReader(jobId);
      this.readers.set(jobId, reader);
    }
    reader.listeners.add(deliver);
    // Appends through this process arrive at once, even before their stream entry is read back.
    const local = this.options.durable.subscribe(jobId, deliver);
    return {
      dispose: () => {
        local.dispose();
        const current = this.readers.get(jobId);
        if (current === undefined) return;
        current.listeners.delete(deliver);
        if (current.listeners.size === 0) {
          current.unfollow();
          this.readers.delete(jobId);
        }
      },
    };
  }

  /** Stops the blocking reader. */
  close(): void {
    this.streams.close();
    this.readers.clear();
  }

  private startReader(jobId: string): Reader {
    const listeners = new Set<(event: StoredEvent) => void>();
    const unfollow = this.streams.follow(this.keys.jobEvents(jobId), (fields) => {
      const json = fields[fields.indexOf('e') + 1];
      if (json === undefined) return;
      const event = JSON.parse(json) as StoredEvent;
      for (const listener of listeners) listener(event);
    });
    return { listeners, unfollow };
  }
}

async function sequentially<T, R>(items: readonly T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await run(item));
  return out;
}
