import type { Clock, TimerHandle } from '../../domain/clock.js';
import type { Logger } from '../../domain/logger.js';
import { silentLogger } from '../../domain/logger.js';
import { type SharedStateTier, STATE_KINDS, type StateKind, type VersionedEntry } from './state-kind.js';

/** The router state at one moment: every entry of every kind. */
export interface RouterStateSnapshot {
  takenAt: number;
  entries: { kind: StateKind; key: string; entry: VersionedEntry }[];
}

/** Where snapshots are kept (SQLite or PostgreSQL). */
export interface SnapshotStore {
  save(snapshot: RouterStateSnapshot): Promise<void>;
  latest(): Promise<RouterStateSnapshot | null>;
  /** Deletes snapshots taken before `takenAt`; returns how many. */
  pruneBefore(takenAt: number): Promise<number>;
}

/** Options of {@link StateSnapshotter}. */
export interface StateSnapshotterOptions {
  shared: SharedStateTier;
  store: SnapshotStore;
  clock: Clock;
  /** Between snapshots. @default 30 minutes */
  intervalMs?: number;
  /** Snapshots older than this are deleted. @default 7 days */
  retentionMs?: number;
  logger?: Logger;
}

/**
 * Takes a snapshot of the shared router state every `intervalMs` into the durable store, keeps
 * them `retentionMs`, and restores the latest into an empty Redis on a cold start (every instance
 * and Redis restarted), so that open breakers and learned health are not forgotten.
 */
export class StateSnapshotter {
  private readonly intervalMs: number;
  private readonly retentionMs: number;
  private readonly logger: Logger;
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(private readonly options: StateSnapshotterOptions) {
    this.intervalMs = options.intervalMs ?? 30 * 60_000;
    this.retentionMs = options.retentionMs ?? 7 * 24 * 3_600_000;
    this.logger = options.logger ?? silentLogger;
  }

  /** Takes one snapshot now and prunes the expired ones. */
  async snapshot(): Promise<RouterStateSnapshot> {
    const { shared, store, clock } = this.options;
    const entries: RouterStateSnapshot['entries'] = [];
    for (const kind of STATE_KINDS) {
      for (const [key, entry] of await shared.scan(kind)) entries.push({ kind, key, entry });
    }
    const snapshot = { takenAt: clock.now(), entries };
    await store.save(snapshot);
    await store.pruneBefore(clock.now() - this.retentionMs);
    return snapshot;
  }

  /**
   * Restores the latest snapshot when the shared tier holds no router state at all (a cold
   * start); entries are written only where absent, so a live instance's newer state always wins.
   * @returns how many entries were restored.
   */
  async restoreIfCold(): Promise<number> {
    const { shared, store } = this.options;
    for (const kind of STATE_KINDS) if ((await shared.scan(kind)).size > 0) return 0;
    const latest = await store.latest();
    if (latest === null) return 0;
    let restored = 0;
    for (const { kind, key, entry } of latest.entries) {
      if ((await shared.set(kind, key, entry.value, 0)).written) restored += 1;
    }
    this.logger.info({ tag: 'STATE_RESTORED', restored, takenAt: latest.takenAt }, 'Router state restored');
    return restored;
  }

  /** Starts the periodic snapshots. */
  start(): void {
    this.schedule();
  }

  /** Stops them. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.snapshot()
        .catch((err: unknown) => this.logger.warn({ tag: 'STATE_SNAPSHOT_FAILED', err }, 'Snapshot failed'))
        .finally(() => this.schedule());
    }, this.intervalMs);
  }
}
