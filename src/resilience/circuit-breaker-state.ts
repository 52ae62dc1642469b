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

const opened = (now: number, reason: string, manual = false): BreakerState => ({
  state: 'open',
  openedAt: now,
  reason,
  manual,
});

function acquire(state: BreakerState, now: number, t: BreakerThresholds): BreakerStep {
  switch (state.state) {
    case 'closed':
      return { state, admitted: true };
    case 'open': {
      if (state.manual) return { state, admitted: false };
      const waitMs = state.openedAt + t.recoveryTimeoutMs - now;
      if (waitMs > 0) return { state, admitted: false, retryInMs: waitMs };
      const next: BreakerState = { state: 'half_open', since: now, inFlight: 1, successes: 0 };
      return { state: next, admitted: true, probeOf: now, reason: 'recovery timeout elapsed; probing' };
    }
    case 'half_open':
      if (state.inFlight >= t.halfOpenMaxCalls) return { state, admitted: false };
      return { state: { ...state, inFlight: state.inFlight + 1 }, admitted: true, probeOf: state.since };
    case 'isolated':
      return { state, admitted: false };
  }
}

function release(
  state: BreakerState,
  input: Extract<BreakerInput, { type: 'release' }>,
  now: number,
  t: BreakerThresholds,
): BreakerStep {
  if (state.state === 'closed') {
    if (input.outcome !== 'failure') return { state };
    const failures = [...state.failures.filter((at) => now - at < t.monitoringWindowMs), now].slice(
      -t.failureThreshold,
    );
    if (failures.length < t.failureThreshold) return { state: { state: 'closed', failures } };
    const reason = `${failures.length} failures within ${t.monitoringWindowMs} ms`;
    return { state: opened(now, reason), reason };
  }
  if (state.state !== 'half_open' || input.probeOf !== state.since) return { state };
  if (input.outcome === 'failure') return { state: opened(now, 'probe failed'), reason: 'probe failed' };
  const inFlight = Math.max(0, state.inFlight - 1);
  const successes = state.successes + (input.outcome === 'success' ? 1 : 0);
  if (successes >= t.successThreshold) {
    return { state: { state: 'closed', failures: [] }, reason: `${successes} probes succeeded` };
  }
  return { state: { ...state, inFlight, successes } };
}

/**
 * The breaker's transition function: pure, `(state, input, now, thresholds) → step`, so that the
 * same rules can run in-process or as one atomic server-side script. Closed → open when counting
 * failures inside the window reach the threshold; open → half-open lazily on the first acquire
 * after the recovery timeout; half-open → closed after `successThreshold` probe successes, → open
 * on any probe failure; manual `open` (until `close`), `close` and `isolate` from any state.
 *
 * @example const { state, admitted } = stepBreaker(current, { type: 'acquire' }, clock.now(), thresholds);
 */
export function stepBreaker(
  state: BreakerState,
  input: BreakerInput,
  now: number,
  thresholds: BreakerThresholds,
): BreakerStep {
  switch (input.type) {
    case 'acquire':
      return acquire(state, now, thresholds);
    case 'release':
      return release(state, input, now, thresholds);
    case 'open':
      return { state: opened(now, input.reason, true), reason: input.reason };
    case 'close':
      return { state: { state: 'closed', failures: [] }, reason: input.reason };
    case 'isolate':
      return { state: { state: 'isolated', since: now, reason: input.reason }, reason: input.reason };
  }
}
