import { type Clock, systemClock } from '../domain/clock.js';
import { type Disposable, TypedEmitter } from '../domain/disposable.js';
import type { ReelayEventOf } from '../domain/events.js';
import { parseBreakerState } from './breaker-state-schema.js';
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
}

/**
 * One circuit breaker per provider, created on first use. Snapshots and restores every breaker's
 * plain state, and relays every breaker's state changes to one set of listeners.
 *
 * @example
 * const breakers = new CircuitBreakerRegistry({ clock, perProvider: { runway: { failureThreshold: 4 } } });
 * if (!breakers.isOpen('openai')) await breakers.get('openai').execute((signal) => call(signal), signal);
 */
export class CircuitBreakerRegistry {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly changes = new TypedEmitter<BreakerEvent>();
  private readonly clock: Clock;

  constructor(private readonly options: CircuitBreakerRegistryOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  /** The breaker of a provider (created closed on first use). */
  get(providerId: string): CircuitBreaker {
    let breaker = this.breakers.get(providerId);
    if (!breaker) {
      breaker = new CircuitBreaker(providerId, {
        ...this.options.defaults,
        ...this.options.perProvider?.[providerId],
        clock: this.clock,
      });
      breaker.on('state-changed', (event) => this.changes.emit(event));
      this.breakers.set(providerId, breaker);
    }
    return breaker;
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
