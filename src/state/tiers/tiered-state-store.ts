import type { Clock, TimerHandle } from '../../domain/clock.js';
import type { L1Cache } from './l1-cache.js';
import type {
  DurableStateTier,
  SharedStateTier,
  StateChange,
  StateKind,
  VersionedEntry,
  WriteResult,
} from './state-kind.js';
import { type StateHealthReport, stateVerdict, type TierHealth } from './tier-health.js';

/** Options of {@link TieredStateStore}. */
export interface TieredStateStoreOptions {
  l1: L1Cache;
  /** Redis; absent in a single-process deployment. */
  shared?: SharedStateTier;
  /** Where state survives restarts (SQLite / PostgreSQL). */
  durable?: DurableStateTier;
  clock: Clock;
  /** Period of the reconciliation read (and of the reconnection probe while degraded). @default 5000 */
  reconcileIntervalMs?: number;
  /** Told when the mode changes (for logs and metrics). */
  onModeChange?: (mode: 'shared' | 'degraded', error?: unknown) => void;
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Reads L1 → L2 → durable and fills the faster tiers on the way back; writes go to L2 (versioned,
 * announced) and L1, or, while Redis is unreachable, to L1 and the durable tier. Change messages
 * from other instances invalidate L1; a periodic reconciliation compares L1's versions with L2's
 * as the backstop for missed messages, and probes Redis while degraded so that the store recovers
 * by itself.
 */
export class TieredStateStore {
  private readonly l1: L1Cache;
  private readonly shared: SharedStateTier | undefined;
  private readonly durable: DurableStateTier | undefined;
  private readonly clock: Clock;
  private readonly reconcileIntervalMs: number;
  private readonly onModeChange: TieredStateStoreOptions['onModeChange'];
  private degraded = false;
  private lastError: string | undefined;
  private timer: TimerHandle | undefined;
  private unsubscribe: (() => Promise<void>) | undefined;
  private stopped = false;
  private readonly watchers = new Set<(kind: StateKind | '*', key: string) => void>();

  constructor(options: TieredStateStoreOptions) {
    this.l1 = options.l1;
    this.shared = options.shared;
    this.durable = options.durable;
    this.clock = options.clock;
    this.reconcileIntervalMs = options.reconcileIntervalMs ?? 5_000;
    this.onModeChange = options.onModeChange;
  }

  /** `shared` with Redis up, `degraded` while it is down, `local` without Redis. */
  get mode(): 'shared' | 'degraded' | 'local' {
    if (this.shared === undefined) return 'local';
    return this.degraded ? 'degraded' : 'shared';
  }

  /** Subscribes to change messages and starts the reconciliation loop. */
  async start(): Promise<void> {
    if (this.shared !== undefined) {
      try {
        this.unsubscribe = await this.shared.subscribe((change) => this.onChange(change));
      } catch (error) {
        this.markDegraded(error);
      }
    }
    this.schedule();
  }

  /** Stops the loop and the subscription. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    await this.unsubscribe?.();
  }

  /**
   * Calls `listener` with the kind and key of every write announced by another instance, and with
   * `('*', '*')` after a period in which announcements may have been missed (recovery from
   * degraded mode). Returns the unsubscribe.
   */
  watch(listener: (kind: StateKind | '*', key: string) => void): () => void {
    this.watchers.add(listener);
    return () => this.watchers.delete(listener);
  }

  /** The freshest entry this instance can reach, or null. */
  async get(kind: StateKind, key: string): Promise<VersionedEntry | null> {
    const cached = this.l1.get(kind, key);
    if (cached !== undefined) return cached;
    let found: VersionedEntry | null = null;
    if (this.shared !== undefined && !this.degraded) {
      try {
        found = await this.shared.get(kind, key);
        if (found !== null) this.l1.set(kind, key, found);
        return found;
      } catch (error) {
        this.markDegraded(error);
      }
    }
    if (this.durable !== undefined) found = await this.durable.get(kind, key);
    if (found !== null) this.l1.set(kind, key, found);
    return found;
  }

  /** Parsed JSON value of {@link TieredStateStore.get}. */
  async getJson<T>(kind: StateKind, key: string): Promise<T | null> {
    const entry = await this.get(kind, key);
    return entry === null ? null : (JSON.parse(entry.value) as T);
  }

  /**
   * Writes `value` (conditionally on `expectedVersion` when given). While degraded, the write
   * lands in L1 and the durable tier with a local version, and is not announced.
   */
  async set(kind: StateKind, key: string, value: string, expectedVersion?: number): Promise<WriteResult> {
    if (this.shared !== undefined && !this.degraded) {
      try {
        const result = await this.shared.set(kind, key, value, expectedVersion);
        if (result.written)
          this.l1.set(kind, key, { value, version: result.version, updatedAt: this.clock.now() });
        else this.l1.invalidate(kind, key);
        return result;
      } catch (error) {
        this.markDegraded(error);
      }
    }
    const current = this.l1.peekVersion(kind, key) || ((await this.durable?.get(kind, key))?.version ?? 0);
    if (expectedVersion !== undefined && expectedVersion !== current)
      return { written: false, version: current };
    const entry = { value, version: current + 1, updatedAt: this.clock.now() };
    this.l1.set(kind, key, entry);
    await this.durable?.put(kind, key, entry);
    return { written: true, version: entry.version };
  }

  /** Writes JSON; see {@link TieredStateStore.set}. */
  setJson(kind: StateKind, key: string, value: unknown, expectedVersion?: number): Promise<WriteResult> {
    return this.set(kind, key, JSON.stringify(value), expectedVersion);
  }

  /**
   * One reconciliation round: while degraded, probe Redis (and recover when it answers); otherwise
   * drop every L1 entry whose version differs from L2's.
   * @returns how many L1 entries were dropped.
   */
  async reconcile(): Promise<number> {
    if (this.shared === undefined) return 0;
    if (this.degraded) {
      try {
        await this.shared.ping();
      } catch {
        return 0;
      }
      return this.recover();
    }
    const cached = this.l1.entries();
    try {
      const versions = await this.shared.versions(cached);
      let dropped = 0;
      cached.forEach((entry, index) => {
        if (versions[index] !== entry.version && this.l1.invalidate(entry.kind, entry.key)) dropped += 1;
      });
      return dropped;
    } catch (error) {
      this.markDegraded(error);
      return 0;
    }
  }

  /** Probes every tier and judges the whole. */
  async health(): Promise<StateHealthReport> {
    const tiers: TierHealth[] = [{ tier: 'l1', configured: true, up: true, latencyMs: this.l1Latency() }];
    tiers.push(await probe('l2', this.shared));
    tiers.push(await probe('durable', this.durable));
    const l2 = tiers[1];
    if (l2?.up && this.degraded) await this.reconcile();
    if (l2 && !l2.up && !this.degraded) this.markDegraded(new Error(l2.error));
    const { hits, misses, hitRate, size } = this.l1.stats();
    return { verdict: stateVerdict(tiers), mode: this.mode, tiers, l1: { hits, misses, hitRate, size } };
  }

  /** The last Redis error seen while degraded (no credentials: ioredis messages carry none). */
  get degradedReason(): string | undefined {
    return this.degraded ? this.lastError : undefined;
  }

  private l1Latency(): number {
    const started = performance.now();
    this.l1.peekVersion('health', '__probe__');
    return performance.now() - started;
  }

  private onChange(change: StateChange): void {
    if (this.shared !== undefined && change.origin === this.shared.instanceId) return;
    this.l1.invalidate(change.kind, change.key, change.version);
    this.notify(change.kind, change.key);
  }

  private notify(kind: StateKind | '*', key: string): void {
    for (const listener of [...this.watchers]) {
      try {
        listener(kind, key);
      } catch {
        // A watcher's failure must not stop the others or the change feed.
      }
    }
  }

  private markDegraded(error: unknown): void {
    this.lastError = errorText(error);
    if (this.degraded) return;
    this.degraded = true;
    this.onModeChange?.('degraded', error);
  }

  private async recover(): Promise<number> {
    // Change messages were missed while Redis was away: start L1 afresh rather than trust it.
    const dropped = this.l1.entries().length;
    this.l1.clear();
    this.degraded = false;
    this.lastError = undefined;
    if (this.unsubscribe === undefined && this.shared !== undefined) {
      this.unsubscribe = await this.shared
        .subscribe((change) => this.onChange(change))
        .catch(() => undefined);
    }
    this.onModeChange?.('shared');
    this.notify('*', '*');
    return dropped;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      void this.reconcile().finally(() => this.schedule());
    }, this.reconcileIntervalMs);
  }
}

async function probe(
  tier: 'l2' | 'durable',
  target: { ping(): Promise<number> } | undefined,
): Promise<TierHealth> {
  if (target === undefined) return { tier, configured: false, up: false };
  try {
    return { tier, configured: true, up: true, latencyMs: await target.ping() };
  } catch (error) {
    return { tier, configured: true, up: false, error: errorText(error) };
  }
}
