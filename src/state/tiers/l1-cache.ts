import { LRUCache } from 'lru-cache';
import type { Clock } from '../../domain/clock.js';
import { L1_TTL_MS, type StateKind, type VersionedEntry } from './state-kind.js';

/** Options of {@link L1Cache}. */
export interface L1CacheOptions {
  /** Clock deciding expiry. */
  clock: Clock;
  /** Most entries kept; the least recently used go first. @default 10000 */
  maxEntries?: number;
  /** Time-to-live per kind, ms. @default {@link L1_TTL_MS} */
  ttlMs?: Partial<Record<StateKind, number>>;
}

/** Hit and miss counts of the L1 tier. */
export interface L1Stats {
  hits: number;
  misses: number;
  /** hits / (hits + misses); 0 before any read. */
  hitRate: number;
  size: number;
  perKind: Record<StateKind, { hits: number; misses: number }>;
}

interface Slot {
  entry: VersionedEntry;
  kind: StateKind;
  key: string;
  expiresAt: number;
}

const emptyPerKind = (): Record<StateKind, { hits: number; misses: number }> => ({
  health: { hits: 0, misses: 0 },
  breaker: { hits: 0, misses: 0 },
  routing: { hits: 0, misses: 0 },
  cost: { hits: 0, misses: 0 },
  metrics: { hits: 0, misses: 0 },
});

/**
 * The in-process tier: a size-bounded LRU of versioned entries with a time-to-live per kind. Expiry
 * is read from the injected clock at each get, so no timer runs and tests control time.
 */
export class L1Cache {
  private readonly clock: Clock;
  private readonly ttl: Record<StateKind, number>;
  private readonly lru: LRUCache<string, Slot>;
  private hits = 0;
  private misses = 0;
  private perKind = emptyPerKind();

  constructor(options: L1CacheOptions) {
    this.clock = options.clock;
    this.ttl = { ...L1_TTL_MS, ...options.ttlMs };
    this.lru = new LRUCache<string, Slot>({ max: options.maxEntries ?? 10_000 });
  }

  /** The entry when present and not expired; counts a hit or a miss. */
  get(kind: StateKind, key: string): VersionedEntry | undefined {
    const name = `${kind}:${key}`;
    const slot = this.lru.get(name);
    const counts = this.perKind[kind];
    if (slot === undefined || slot.expiresAt <= this.clock.now()) {
      if (slot !== undefined) this.lru.delete(name);
      this.misses += 1;
      counts.misses += 1;
      return undefined;
    }
    this.hits += 1;
    counts.hits += 1;
    return slot.entry;
  }

  /** The cached version of a key without counting a read (0 when absent). */
  peekVersion(kind: StateKind, key: string): number {
    return this.lru.peek(`${kind}:${key}`)?.entry.version ?? 0;
  }

  /** Caches `entry` unless a newer version is already cached. */
  set(kind: StateKind, key: string, entry: VersionedEntry): void {
    const name = `${kind}:${key}`;
    const current = this.lru.peek(name);
    if (current !== undefined && current.entry.version > entry.version) return;
    this.lru.set(name, { entry, kind, key, expiresAt: this.clock.now() + this.ttl[kind] });
  }

  /** Drops a key, unless `version` is given and the cached entry is already at least that new. */
  invalidate(kind: StateKind, key: string, version?: number): boolean {
    const name = `${kind}:${key}`;
    const current = this.lru.peek(name);
    if (current === undefined) return false;
    if (version !== undefined && current.entry.version >= version) return false;
    return this.lru.delete(name);
  }

  /** Every cached key with its version, for reconciliation. */
  entries(): { kind: StateKind; key: string; version: number }[] {
    return [...this.lru.values()].map((slot) => ({
      kind: slot.kind,
      key: slot.key,
      version: slot.entry.version,
    }));
  }

  /** Drops everything (after a period in which change messages may have been missed). */
  clear(): void {
    this.lru.clear();
  }

  /** Hit/miss counts since creation or the last {@link L1Cache.resetStats}. */
  stats(): L1Stats {
    const reads = this.hits + this.misses;
    return {
      hits: this.hits,
      misses: this.misses,
      hitRate: reads === 0 ? 0 : this.hits / reads,
      size: this.lru.size,
      perKind: structuredClone(this.perKind),
    };
  }

  /** Zeroes the hit/miss counts. */
  resetStats(): void {
    this.hits = 0;
    this.misses = 0;
    this.perKind = emptyPerKind();
  }
}
