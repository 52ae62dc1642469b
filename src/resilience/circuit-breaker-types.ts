import type { Clock } from '../domain/clock.js';
import type { ErrorCategory } from '../domain/error-category.js';
import type {
  BreakerInput,
  BreakerState,
  BreakerStateName,
  BreakerThresholds,
} from './circuit-breaker-state.js';

/** How a call through the breaker ended. */
export interface CallOutcome {
  ok: boolean;
  durationMs: number;
  /** Category of the failure (when `ok` is false). @default 'system_error' */
  category?: ErrorCategory;
  /** We stopped the call (a lost hedge, a gone client): no evidence about the provider, not counted. */
  aborted?: boolean;
}

/** The answer of {@link CircuitBreaker.tryAcquire}. */
export type BreakerPermit =
  | {
      ok: true;
      /** True when this call is a half-open probe. */
      probe: boolean;
      /** Reports how the call ended; call exactly once (later calls are ignored). */
      release(outcome: CallOutcome): void;
    }
  | {
      ok: false;
      /** Ms until an automatic probe is possible; undefined when unknown or manual. */
      retryInMs: number | undefined;
      state: BreakerStateName;
    };

/** A change of state name, as emitted by `state-changed`. */
export interface BreakerStateChange {
  provider: string;
  from: BreakerStateName;
  to: BreakerStateName;
  reason: string;
  /** Clock time of the change, ms since the epoch. */
  at: number;
}

/** Events of a {@link CircuitBreaker}. */
export type BreakerEvent = { type: 'state-changed' } & BreakerStateChange;

/** Options of `CircuitBreaker`; thresholds default to `DEFAULT_BREAKER_THRESHOLDS`. */
export interface CircuitBreakerOptions extends Partial<BreakerThresholds> {
  /** @default systemClock */
  clock?: Clock;
  /** Which failure categories are evidence of an outage. @default the strategy table's countsForBreaker */
  countsForBreaker?: (category: ErrorCategory) => boolean;
  /** State to start from (e.g. read back from a store). @default closed */
  initialState?: BreakerState;
  /** Receives errors thrown by event listeners. @default ignore */
  onListenerError?: (error: unknown) => void;
  /**
   * Told of every input that changed the state (not of restores), with the resulting state and
   * the clock time it was applied at: how a store writes the breaker through or re-applies the
   * step on a shared copy. Called synchronously; must not throw. @default none
   */
  onTransition?: (input: BreakerInput, state: BreakerState, at: number) => void;
}
