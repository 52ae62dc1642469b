import type { Redis } from 'ioredis';

/** Options of {@link StreamMultiplexer}. */
export interface StreamMultiplexerOptions {
  /** The process's command connection: resolves cursors and wakes the blocking read. */
  redis: Redis;
  /** Longest a blocking read waits before it is re-armed anyway, ms. @default 1000 */
  blockMs?: number;
  /** Name of the blocking connection in `CLIENT LIST`. @default 'reelay-events' */
  connectionName?: string;
}

interface Followed {
  /** Last entry id delivered (or the stream's last id when following began); undefined until known. */
  cursor: string | undefined;
  onEntry: (fields: string[]) => void;
}

const WAIT_AFTER_ERROR_MS = 200;

/**
 * Reads any number of Redis Streams live on one blocking connection: a single `XREAD BLOCK …
 * STREAMS k1 … kn c1 … cn` loop over every followed stream, each from its own cursor, so that a
 * process holds one blocking connection however many streams it follows. Adding a stream wakes the
 * blocked read (`CLIENT UNBLOCK` from the command connection) and the loop re-arms with the new set.
 * Entries of one stream are delivered in stream order; a stream starts from its last entry at the
 * time it is followed (resolved on the command connection), so nothing appended after that is
 * skipped, also across re-arms and reconnections.
 */
export class StreamMultiplexer {
  private readonly followed = new Map<string, Followed>();
  private connection: Redis | undefined;
  private blockerId: number | undefined;
  private blocked = false;
  /** Streams of the blocking read in progress. */
  private armed = new Set<string>();
  private running = false;
  private stopped = false;
  private readonly blockMs: number;

  constructor(private readonly options: StreamMultiplexerOptions) {
    this.blockMs = options.blockMs ?? 1_000;
  }

  /** Streams followed now. */
  get size(): number {
    return this.followed.size;
  }

  /**
   * Delivers every entry appended to `key` from now on to `onEntry` (the entry's field list), until
   * the returned function is called. One follower per key.
   */
  follow(key: string, onEntry: (fields: string[]) => void): () => void {
    const entry: Followed = { cursor: undefined, onEntry };
    this.followed.set(key, entry);
    void this.startCursor(key, entry);
    return () => {
      if (this.followed.get(key) === entry) this.followed.delete(key);
    };
  }

  /** Stops the loop and closes the blocking connection. */
  close(): void {
    this.stopped = true;
    this.followed.clear();
    this.connection?.disconnect();
    this.connection = undefined;
  }

  private async startCursor(key: string, entry: Followed): Promise<void> {
    for (;;) {
      try {
        const last = await this.options.redis.xrevrange(key, '+', '-', 'COUNT', 1);
        entry.cursor = last[0]?.[0] ?? '0-0';
        break;
      } catch {
        if (this.stopped || this.followed.get(key) !== entry) return;
        await pause(WAIT_AFTER_ERROR_MS);
      }
    }
    if (this.followed.get(key) !== entry) return;
    if (!this.running) void this.loop();
    else await this.wake(key);
  }

  /**
   * Ends the current blocking read at once so that the loop re-arms with `key`. The XREAD may not
   * have reached the server yet when the wake-up does: then it is tried again shortly.
   */
  private async wake(key: string): Promise<void> {
    for (let tries = 0; tries < 50 && this.running && !this.armed.has(key); tries++) {
      if (this.blocked && this.blockerId !== undefined) {
        const woken = await this.options.redis.call('CLIENT', 'UNBLOCK', this.blockerId).catch(() => 0);
        if (woken === 1) return;
      }
      await pause(5);
    }
  }

  private blockingConnection(): Redis {
    if (this.connection) return this.connection;
    const connection = this.options.redis.duplicate({
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      connectionName: this.options.connectionName ?? 'reelay-events',
    });
    connection.on('error', () => {});
    // Its client id changes with every (re)connection; CLIENT UNBLOCK needs the current one.
    connection.on('ready', () => {
      this.blockerId = undefined;
    });
    this.connection = connection;
    return connection;
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (!this.stopped) {
        if (![...this.followed.values()].some((f) => f.cursor !== undefined)) return;
        const connection = this.blockingConnection();
        try {
          this.blockerId ??= Number(await connection.call('CLIENT', 'ID'));
          const ready = [...this.followed].filter(([, f]) => f.cursor !== undefined);
          const keys = ready.map(([key]) => key);
          const cursors = ready.map(([, f]) => f.cursor as string);
          this.armed = new Set(keys);
          this.blocked = true;
          const reply =
            keys.length === 0
              ? null
              : await connection.xread('BLOCK', this.blockMs, 'STREAMS', ...keys, ...cursors);
          this.blocked = false;
          this.armed.clear();
          for (const [key, entries] of reply ?? []) {
            const followed = this.followed.get(key);
            if (followed === undefined) continue;
            for (const [id, fields] of entries) {
              followed.cursor = id;
              followed.onEntry(fields);
            }
          }
        } catch {
          this.blocked = false;
          this.armed.clear();
          if (this.stopped) return;
          // Redis away: the durable log still has everything; retry shortly from the same cursors.
          await pause(WAIT_AFTER_ERROR_MS);
        }
      }
    } finally {
      this.running = false;
    }
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
