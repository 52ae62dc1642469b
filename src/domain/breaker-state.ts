/**
 * The circuit breaker's vocabulary as plain data: thresholds, the serialisable state, inputs and
 * steps. It lives in domain because stores (memory, Redis, SQL) keep it and the resilience layer
 * steps it; neither should import the other for it.
 */
/** Thresholds of a circuit breaker (docs/circuit-breaker.md#thresholds). */
export interface BreakerThresholds {
  /** Counting failures inside the window that open the circuit. @default 5 */
  failureThreshold: number;
  /** A successful call lasting at least this long counts as a failure. @default 60000 */
  slowCallThresholdMs: number;
  /** Time an automatically opened circuit waits before letting probes through. @default 60000 */
  recoveryTimeoutMs: number;
  /** Concurrent probe calls allowed while half-open. @default 3 */
  halfOpenMaxCalls: number;
  /** Failures older than this drop out of the count. @default 300000 */
  monitoringWindowMs: number;
  /** Probe successes that close a half-open circuit. @default 3 */
  successThreshold: number;
}

/** The default thresholds. */
export const DEFAULT_BREAKER_THRESHOLDS: Readonly<BreakerThresholds> = Object.freeze({
  failureThreshold: 5,
  slowCallThresholdMs: 60_000,
  recoveryTimeoutMs: 60_000,
  halfOpenMaxCalls: 3,
  monitoringWindowMs: 300_000,
  successThreshold: 3,
});

/**
 * A breaker's state as plain, serialisable data (JSON, a Redis hash, a SQL row). All times are
 * ms since the epoch. `open` with `manual: true` stays open until closed by hand; `isolated` is
 * manual too and also excluded from health probes.
 */
export type BreakerState =
  | { state: 'closed' /** Counting failures still inside the window, oldest first. */; failures: number[] }
  | { state: 'open'; openedAt: number; reason: string; manual: boolean }
  | {
      state: 'half_open';
      /** When the circuit went half-open; identifies this probing round. */
      since: number;
      inFlight: number;
      successes: number;
    }
  | { state: 'isolated'; since: number; reason: string };

/** The name of a breaker state. */
export type BreakerStateName = BreakerState['state'];

/** A fresh, closed breaker. */
export const INITIAL_BREAKER_STATE: BreakerState = Object.freeze({
  state: 'closed',
  failures: [],
}) as BreakerState;

/** How a finished call counts: as a success, a failure, or not at all (frees a probe slot only). */
export type OutcomeKind = 'success' | 'failure' | 'ignored';

/** Everything that can happen to a breaker. */
export type BreakerInput =
  | { type: 'acquire' }
  | {
      type: 'release';
      outcome: OutcomeKind;
      /** The `since` of the half-open round the permit was a probe of; absent for normal calls. */
      probeOf?: number;
    }
  | { type: 'open'; reason: string }
  | { type: 'close'; reason: string }
  | { type: 'isolate'; reason: string };

/** The result of one transition. */
export interface BreakerStep {
  state: BreakerState;
  /** For `acquire`: whether the call may run. */
  admitted?: boolean;
  /** For an admitted `acquire` while half-open: the probe round (`since`) to pass back on release. */
  probeOf?: number;
  /** For a refused `acquire`: ms until an automatic probe is possible; absent when unknown or manual. */
  retryInMs?: number;
  /** Why the state name changed, when it did. */
  reason?: string;
}
