import type { BreakerInput, BreakerState, BreakerStep, BreakerThresholds } from '../domain/breaker-state.js';

export {
  type BreakerInput,
  type BreakerState,
  type BreakerStateName,
  type BreakerStep,
  type BreakerThresholds,
  DEFAULT_BREAKER_THRESHOLDS,
  INITIAL_BREAKER_STATE,
  type OutcomeKind,
} from '../domain/breaker-state.js';

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
