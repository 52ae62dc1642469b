import { type Clock, systemClock } from '../domain/clock.js';
import { type Disposable, TypedEmitter } from '../domain/disposable.js';
import type { ReelayEventOf } from '../domain/events.js';
import type { Logger } from '../domain/logger.js';
import type { BreakerStateStore, SharedBreakerStore } from '../state/router-state.js';
import { parseBreakerState } from './breaker-state-schema.js';
import { BreakerStateSync } from './breaker-state-sync.js';
import {
  type BreakerEvent,
  type BreakerStateChange,
  CircuitBreaker,
  type CircuitBreakerOptions,
} from './circuit-breaker.js';
import type { BreakerState, BreakerThresholds } from './circuit-breaker-state.js';

/** Options of {@link CircuitBreakerRegistry}. */
export interface CircuitBreakerRegistryOptions {
  /** @default systemClock */
  clock?: Clock;
  /** Options every breaker gets (thresholds, countsForBreaker). @default DEFAULT_BREAKER_THRESHOLDS */
  defaults?: Omit<CircuitBreakerOptions, 'clock' | 'initialState'>;
  /** Threshold overrides per provider id, applied over `defaults`. @default {} */
  perProvider?: Readonly<Record<string, Partial<BreakerThresholds>>>;
  /**
   * Where every breaker's state is written through, and read back when a breaker is created
   * (memory, or the durable tier). @default none: the states live only in the breakers
   */
  store?: BreakerStateStore;
  /**
   * Breaker state shared by every instance (Redis): each state-changing step is re-applied there
   * atomically and other instances' changes are adopted. @default none
   */
  shared?: SharedBreakerStore;
  /** Receives store failures. @default silentLogger */
  logger?: Logger;
}

/**
 * One circuit breaker per provider, created on first use. Snapshots and restores every breaker's
 * plain state, and relays every breaker's state changes to one set of listeners. With a `store`
 * or a `shared` store, breakers decide on their in-process copy and write through
 * ({@link BreakerStateSync}); a breaker opened by another instance is seen open here as soon as
 * its change message arrives.
 *
 * @example
 * const breakers = new CircuitBreakerRegistry({ clock, perProvider: { runway: { failureThreshold: 4 } } });
 * if (!breakers.isOpen('openai')) await breakers.get('openai').execute((signal) => call(signal), signal);
 */
export class CircuitBreakerRegistry {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly changes = new TypedEmitter<BreakerEvent>();
  private readonly clock: Clock;
  private readonly sync: BreakerStateSync | undefined;

  constructor(private readonly options: CircuitBreakerRegistryOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.sync =
      options.store || options.shared
        ? new BreakerStateSync({
            ...(options.store ? { store: options.store } : {}),
            ...(options.shared ? { shared: options.shared } : {}),
            ...(options.logger ? { logger: options.logger } : {}),
            breakerOf: (provider) => this.get(provider),
          })
        : undefined;
  }

  /** The breaker of a provider (created closed on first use). */
  get(providerId: string): CircuitBreaker {
    let breaker = this.breakers.get(providerId);
    if (!breaker) {
      const sync = this.sync;
      const created: CircuitBreaker = new CircuitBreaker(providerId, {
        ...this.options.defaults,
        ...this.options.perProvider?.[providerId],
        clock: this.clock,
        ...(sync ? { onTransition: (input, state, at) => sync.forward(created, input, state, at) } : {}),
      });
      breaker = created;
      breaker.on('state-changed', (event) => this.changes.emit(event));
      this.breakers.set(providerId, breaker);
      sync?.attach(breaker);
    }
    return breaker;
  }

  /** Resolves once changes made by other instances are being received (at once without a shared store). */
  async ready(): Promise<void> {
    await this.sync?.ready();
  }

  /** True while the shared breaker store is unreachable and breakers run on their local copies. */
  get degraded(): boolean {
    return this.sync?.degraded ?? false;
  }

  /** Resolves when every write to the stores started so far has settled. */
  async flush(): Promise<void> {
    await this.sync?.flush();
  }

  /** Stops listening to other instances (after {@link flush}). */
  async close(): Promise<void> {
    await this.sync?.flush();
    await this.sync?.close();
  }

  /** Whether calls to the provider are refused now (see {@link CircuitBreaker.isOpen}); false for unknown ids. */
  isOpen(providerId: string): boolean {
    return this.breakers.get(providerId)?.isOpen() ?? false;
  }

  /** Provider ids that have a breaker. */
  providers(): string[] {
    return [...this.breakers.keys()];
  }

  /** Every breaker's plain state, by provider id. */
  snapshot(): Record<string, BreakerState> {
    const out: Record<string, BreakerState> = {};
    for (const [id, breaker] of this.breakers) out[id] = breaker.toJSON();
    return out;
  }

  /**
   * Restores breakers from a {@link snapshot} (validated; all entries are checked before any is
   * applied). Breakers not in the snapshot are left as they are.
   * @throws ReelayError `REELAY_ERR_VALIDATION` when an entry is not a breaker state.
   */
  restore(snapshot: Readonly<Record<string, unknown>>): void {
    const parsed = Object.entries(snapshot).map(([id, state]) => [id, parseBreakerState(id, state)] as const);
    for (const [id, state] of parsed) this.get(id).restore(state);
  }

  /** Listens to state changes of every breaker, present and future. */
  onStateChange(listener: (change: BreakerStateChange) => void): Disposable {
    return this.changes.on('state-changed', ({ type: _type, ...change }) => listener(change));
  }
}

/**
 * Maps a breaker state change to the domain event `circuit-state-changed` for a job's event log.
 * @example events.append(circuitStateChangedEvent(change, { jobId }));
 */
export function circuitStateChangedEvent(
  change: BreakerStateChange,
  context: { jobId: string; correlationId?: string },
): ReelayEventOf<'circuit-state-changed'> {
  return {
    type: 'circuit-state-changed',
    jobId: context.jobId,
    timestamp: new Date(change.at).toISOString(),
    ...(context.correlationId === undefined ? {} : { correlationId: context.correlationId }),
    provider: change.provider,
    from: change.from,
    to: change.to,
    reason: change.reason,
  };
}
