/**
 * The kinds of shared router state. Each kind has its own L1 time-to-live and consistency (see
 * `docs/state-tiers.md`): breakers strong, health and cost per session, routing decisions and
 * metrics eventual.
 */
export type StateKind = 'health' | 'breaker' | 'routing' | 'cost' | 'metrics';

/** Every {@link StateKind}. */
export const STATE_KINDS: readonly StateKind[] = ['health', 'breaker', 'routing', 'cost', 'metrics'];

/** How long an L1 entry of each kind may be served without asking L2 again. */
export const L1_TTL_MS: Readonly<Record<StateKind, number>> = Object.freeze({
  health: 30_000,
  breaker: 10_000,
  routing: 300_000,
  cost: 60_000,
  metrics: 60_000,
});

/** A value with the version and time of the write that produced it. */
export interface VersionedEntry {
  /** The value, serialised (JSON). */
  value: string;
  /** Incremented by one on every write of this key; 0 never appears on a stored entry. */
  version: number;
  /** Writer's clock at the write, ms since the epoch. */
  updatedAt: number;
}

/** A write announced by the shared tier. */
export interface StateChange {
  kind: StateKind;
  key: string;
  /** The version the key has after the change. */
  version: number;
  /** Id of the instance that wrote it. */
  origin: string;
}

/** The outcome of a conditional write. */
export interface WriteResult {
  /** False when the expected version did not match. */
  written: boolean;
  /** The version after the write, or the current version when not written. */
  version: number;
}

/** The shared tier (L2): versioned writes, change announcements, cheap version reads. */
export interface SharedStateTier {
  /** Id of this instance, carried in the changes it announces. */
  readonly instanceId: string;
  get(kind: StateKind, key: string): Promise<VersionedEntry | null>;
  /** Current versions of many keys at once (0 for absent keys), for reconciliation. */
  versions(names: readonly { kind: StateKind; key: string }[]): Promise<number[]>;
  /**
   * Writes `value` when the stored version equals `expectedVersion` (always when it is undefined;
   * 0 means "must not exist"), and announces the change.
   */
  set(kind: StateKind, key: string, value: string, expectedVersion?: number): Promise<WriteResult>;
  delete(kind: StateKind, key: string): Promise<void>;
  /** Calls `listener` for every change announced by any instance; returns the unsubscribe. */
  subscribe(listener: (change: StateChange) => void): Promise<() => Promise<void>>;
  /** Round-trip time of a trivial command, ms; rejects when the tier is unreachable. */
  ping(): Promise<number>;
  /** Every entry of `kind`, for snapshots. */
  scan(kind: StateKind): Promise<Map<string, VersionedEntry>>;
}

/** The durable tier: where state survives a restart of every instance and of Redis. */
export interface DurableStateTier {
  get(kind: StateKind, key: string): Promise<VersionedEntry | null>;
  put(kind: StateKind, key: string, entry: VersionedEntry): Promise<void>;
  /** Round-trip time of a trivial query, ms. */
  ping(): Promise<number>;
}
