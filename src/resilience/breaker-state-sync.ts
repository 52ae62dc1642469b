import { errorMessage } from '../domain/errors.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import type { BreakerChange, BreakerStateStore, SharedBreakerStore, Unwatch } from '../state/router-state.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import type { BreakerInput, BreakerState } from './circuit-breaker-state.js';

/** Options of {@link BreakerStateSync}. */
export interface BreakerStateSyncOptions {
  /** Where each breaker's state is written through (memory, or the durable tier). */
  store?: BreakerStateStore;
  /** Strongly consistent breaker state shared by every instance (Redis). */
  shared?: SharedBreakerStore;
  /** The breaker of a provider, created when this process has none yet. */
  breakerOf: (provider: string) => CircuitBreaker;
  /** @default silentLogger */
  logger?: Logger;
  /** While steps wait for the shared store to return, how often it is tried again, ms. @default 1000 */
  retryMs?: number;
}

/** A step a breaker took while the shared store was unreachable, kept to be re-applied there. */
interface QueuedStep {
  input: BreakerInput;
  at: number;
}

/** Steps kept per provider during an outage (the oldest are dropped beyond it). */
const MAX_QUEUED = 200;

const same = (a: BreakerState, b: BreakerState): boolean => JSON.stringify(a) === JSON.stringify(b);

function describeRemote(state: BreakerState): string {
  if (state.state === 'open' || state.state === 'isolated') return `another instance: ${state.reason}`;
  return `another instance: ${state.state.replace('_', '-')}`;
}

/**
 * Keeps the breakers of one registry in step with their stores. Each breaker decides on its own
 * in-process copy (L1, no round-trip on the call path); every step that changed its state is
 * written through to `store`, or, with a `shared` store, re-applied there as one atomic
 * compare-and-set whose result (the shared truth, versioned) replaces the local copy. Changes
 * announced by other instances replace it too, newest version wins. While the shared store fails
 * the breakers run on their local copies and write through to `store` (degraded), and every step
 * they take is queued; when the shared store answers again, the queued steps are re-applied there
 * in order, each at the time it was taken, each one compare-and-set (docs/circuit-breaker.md#outage).
 */
export class BreakerStateSync {
  private readonly store: BreakerStateStore | undefined;
  private readonly shared: SharedBreakerStore | undefined;
  private readonly breakerOf: (provider: string) => CircuitBreaker;
  private readonly logger: Logger;
  private readonly versions = new Map<string, number>();
  /** Local transitions per provider, so that a slower load does not overwrite newer local state. */
  private readonly localSteps = new Map<string, number>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly writes = new Map<string, Promise<void>>();
  private readonly subscribed: Promise<void>;
  private unsubscribe: (() => Promise<void>) | undefined;
  private readonly unwatch: Unwatch | undefined;
  private failing = false;
  private readonly queued = new Map<string, QueuedStep[]>();
  private draining: Promise<void> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly retryMs: number;
  private closed = false;

  constructor(options: BreakerStateSyncOptions) {
    this.store = options.store;
    this.shared = options.shared;
    this.breakerOf = options.breakerOf;
    this.logger = options.logger ?? silentLogger;
    this.retryMs = options.retryMs ?? 1_000;
    this.unwatch = this.store?.watch?.((key) => {
      if (key !== '*' && this.shared === undefined) this.track(this.loadPlain(key, 0));
    });
    this.subscribed = this.shared
      ? this.shared
          .subscribe((change) => this.onChange(change))
          .then(
            (stop) => {
              this.unsubscribe = stop;
            },
            (error: unknown) => this.fail(error),
          )
      : Promise.resolve();
  }

  /** True while the last call to the shared store failed (breakers run on their local copies). */
  get degraded(): boolean {
    return this.failing;
  }

  /** Resolves once change messages of other instances are being received. */
  ready(): Promise<void> {
    return this.subscribed;
  }

  /** Loads the stored state of a breaker just created. */
  attach(breaker: CircuitBreaker): void {
    const provider = breaker.provider;
    const steps = this.localSteps.get(provider) ?? 0;
    if (this.shared) {
      this.track(
        this.shared.get(provider).then(
          (found) => {
            this.ok();
            this.adopt(provider, found.state, found.version);
          },
          (error: unknown) => {
            this.fail(error);
            return this.loadPlain(provider, steps);
          },
        ),
      );
    } else this.track(this.loadPlain(provider, steps));
  }

  /** A breaker took a step that changed its state: write it through / re-apply it on the shared copy. */
  forward(breaker: CircuitBreaker, input: BreakerInput, state: BreakerState, at: number): void {
    const provider = breaker.provider;
    this.localSteps.set(provider, (this.localSteps.get(provider) ?? 0) + 1);
    if (!this.shared) {
      this.writePlain(provider, state);
      return;
    }
    const queue = this.queued.get(provider);
    if (queue !== undefined) {
      // Earlier steps still wait for the shared store: this one goes after them, in order.
      this.enqueue(provider, { input, at: Math.floor(at) });
      this.writePlain(provider, state);
      return;
    }
    this.track(
      this.shared.transition(provider, input, breaker.thresholds, Math.floor(at)).then(
        (step) => {
          this.ok();
          this.adopt(provider, step.state, step.version);
        },
        (error: unknown) => {
          this.fail(error);
          this.enqueue(provider, { input, at: Math.floor(at) });
          this.writePlain(provider, state);
        },
      ),
    );
  }

  /** Steps waiting for the shared store, per provider (tests, metrics). */
  queuedSteps(provider: string): number {
    return this.queued.get(provider)?.length ?? 0;
  }

  private enqueue(provider: string, step: QueuedStep): void {
    const queue = this.queued.get(provider) ?? [];
    queue.push(step);
    if (queue.length > MAX_QUEUED) queue.shift();
    this.queued.set(provider, queue);
    this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.retryTimer !== undefined || this.draining !== undefined || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.draining = this.drain().finally(() => {
        this.draining = undefined;
        if (this.queued.size > 0) this.scheduleDrain();
      });
      this.track(this.draining);
    }, this.retryMs);
    this.retryTimer.unref?.();
  }

  /**
   * Re-applies the queued steps on the shared store, provider by provider, in the order they were
   * taken and at the times they were taken; the result of the last one (the shared truth) replaces
   * the local copy. Stops at the first failure and keeps what is left for the next try.
   */
  private async drain(): Promise<void> {
    const shared = this.shared;
    if (!shared) return;
    for (const [provider, queue] of this.queued) {
      const breaker = this.breakerOf(provider);
      while (queue.length > 0) {
        const next = queue[0] as QueuedStep;
        let step: Awaited<ReturnType<SharedBreakerStore['transition']>>;
        try {
          step = await shared.transition(provider, next.input, breaker.thresholds, next.at);
        } catch (error) {
          this.fail(error);
          return;
        }
        this.ok();
        queue.shift();
        if (queue.length === 0) this.queued.delete(provider);
        this.adopt(provider, step.state, step.version);
      }
    }
  }

  /** Resolves when every write and load started so far has settled (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    await Promise.allSettled([...this.writes.values()]);
  }

  /** Stops listening to other instances. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.unwatch?.();
    await this.subscribed;
    await this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private onChange(change: BreakerChange): void {
    this.adopt(change.provider, change.state, change.version);
  }

  private adopt(provider: string, state: BreakerState, version: number): void {
    if (version <= (this.versions.get(provider) ?? 0)) return;
    this.versions.set(provider, version);
    const breaker = this.breakerOf(provider);
    if (!same(breaker.state, state)) breaker.restore(state, describeRemote(state));
  }

  private async loadPlain(provider: string, stepsAtStart: number): Promise<void> {
    if (!this.store) return;
    try {
      const found = await this.store.get(provider);
      // A local step since the load began is newer than what was read.
      if (found === undefined || (this.localSteps.get(provider) ?? 0) !== stepsAtStart) return;
      const breaker = this.breakerOf(provider);
      if (!same(breaker.state, found as BreakerState)) breaker.restore(found, 'stored state');
    } catch (error) {
      this.logger.warn(
        { tag: 'BREAKER_STATE_READ_FAILED', provider, error: errorMessage(error) },
        'could not read a stored breaker state',
      );
    }
  }

  private writePlain(provider: string, state: BreakerState): void {
    const store = this.store;
    if (!store) return;
    const next = (this.writes.get(provider) ?? Promise.resolve())
      .then(() => store.set(provider, state))
      .catch((error: unknown) =>
        this.logger.warn(
          { tag: 'BREAKER_STATE_WRITE_FAILED', provider, error: errorMessage(error) },
          'could not store a breaker state',
        ),
      );
    this.writes.set(provider, next);
  }

  private track(promise: Promise<unknown>): void {
    const settled = promise
      .catch((error: unknown) =>
        this.logger.warn(
          { tag: 'BREAKER_STATE_SYNC_FAILED', error: errorMessage(error) },
          'could not apply a shared breaker state',
        ),
      )
      .finally(() => this.pending.delete(settled));
    this.pending.add(settled);
  }

  private ok(): void {
    if (!this.failing) return;
    this.failing = false;
    this.logger.info({ tag: 'BREAKER_STATE_SHARED' }, 'shared breaker state reachable again');
  }

  private fail(error: unknown): void {
    if (this.failing) return;
    this.failing = true;
    this.logger.warn(
      { tag: 'BREAKER_STATE_DEGRADED', error: errorMessage(error) },
      'shared breaker state unreachable: breakers run on their local copies',
    );
  }
}
