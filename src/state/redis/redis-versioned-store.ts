import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type {
  SharedStateTier,
  StateChange,
  StateKind,
  VersionedEntry,
  WriteResult,
} from '../tiers/state-kind.js';
import { STATE_KINDS } from '../tiers/state-kind.js';
import { subscribeWithin } from './redis-connection.js';
import { RedisKeys } from './redis-keys.js';
import { VERSIONED_DELETE_SCRIPT, VERSIONED_WRITE_SCRIPT } from './versioned-write-script.js';

/** Options of {@link RedisVersionedStore}. */
export interface RedisVersionedStoreOptions {
  /** Connection for commands. */
  redis: Redis;
  /** Key names; carries the prefix. */
  keys?: RedisKeys;
  /** Id announced with this instance's writes. @default a random UUID */
  instanceId?: string;
  /** Writer's clock, ms since the epoch. @default Date.now */
  now?: () => number;
  /** Expiry of stored values, ms; 0 keeps them. @default 0 */
  ttlMs?: number;
}

function toEntry(fields: Record<string, string>): VersionedEntry | null {
  if (fields.v === undefined || fields.ver === undefined) return null;
  return { value: fields.v, version: Number(fields.ver), updatedAt: Number(fields.at ?? 0) };
}

function parseChange(message: string): StateChange | null {
  try {
    const raw = JSON.parse(message) as { n?: unknown; ver?: unknown; o?: unknown };
    if (typeof raw.n !== 'string' || typeof raw.ver !== 'number' || typeof raw.o !== 'string') return null;
    const colon = raw.n.indexOf(':');
    const kind = raw.n.slice(0, colon) as StateKind;
    if (colon < 0 || !STATE_KINDS.includes(kind)) return null;
    return { kind, key: raw.n.slice(colon + 1), version: raw.ver, origin: raw.o };
  } catch {
    return null;
  }
}

/**
 * The L2 tier on Redis: one hash per key (value, version, timestamp), every write through
 * {@link VERSIONED_WRITE_SCRIPT}, changes announced on one pub/sub channel.
 */
export class RedisVersionedStore implements SharedStateTier {
  readonly instanceId: string;
  private readonly redis: Redis;
  private readonly keys: RedisKeys;
  private readonly now: () => number;
  private readonly ttlMs: number;

  constructor(options: RedisVersionedStoreOptions) {
    this.redis = options.redis;
    this.keys = options.keys ?? new RedisKeys();
    this.instanceId = options.instanceId ?? randomUUID();
    this.now = options.now ?? Date.now;
    this.ttlMs = options.ttlMs ?? 0;
  }

  async get(kind: StateKind, key: string): Promise<VersionedEntry | null> {
    return toEntry(await this.redis.hgetall(this.keys.state(kind, key)));
  }

  async versions(names: readonly { kind: StateKind; key: string }[]): Promise<number[]> {
    if (names.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const { kind, key } of names) pipeline.hget(this.keys.state(kind, key), 'ver');
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, value]) => {
      if (error) throw error;
      return typeof value === 'string' ? Number(value) : 0;
    });
  }

  async set(kind: StateKind, key: string, value: string, expectedVersion?: number): Promise<WriteResult> {
    const reply = (await VERSIONED_WRITE_SCRIPT.run(
      this.redis,
      [this.keys.state(kind, key)],
      [
        value,
        expectedVersion === undefined ? '' : String(expectedVersion),
        this.now(),
        this.keys.stateChanges(),
        `${kind}:${key}`,
        this.instanceId,
        this.ttlMs,
      ],
    )) as [number, number];
    return { written: reply[0] === 1, version: Number(reply[1]) };
  }

  async delete(kind: StateKind, key: string): Promise<void> {
    await VERSIONED_DELETE_SCRIPT.run(
      this.redis,
      [this.keys.state(kind, key)],
      [this.keys.stateChanges(), `${kind}:${key}`, this.instanceId],
    );
  }

  async subscribe(listener: (change: StateChange) => void): Promise<() => Promise<void>> {
    const subscriber = this.redis.duplicate({ enableOfflineQueue: true });
    const channel = this.keys.stateChanges();
    subscriber.on('message', (from: string, message: string) => {
      if (from !== channel) return;
      const change = parseChange(message);
      if (change) listener(change);
    });
    // A failed subscriber reconnects by itself; errors are reported through ping() and reconciliation.
    subscriber.on('error', () => {});
    await subscribeWithin(subscriber, channel);
    return async () => {
      subscriber.disconnect();
    };
  }

  async ping(): Promise<number> {
    const started = performance.now();
    await this.redis.ping();
    return performance.now() - started;
  }

  async scan(kind: StateKind): Promise<Map<string, VersionedEntry>> {
    const prefix = this.keys.state(kind, '');
    const found = new Map<string, VersionedEntry>();
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 200);
      cursor = next;
      for (const full of batch) {
        const entry = toEntry(await this.redis.hgetall(full));
        if (entry) found.set(full.slice(prefix.length), entry);
      }
    } while (cursor !== '0');
    return found;
  }
}
