import { describe, expect, it } from 'vitest';
import {
  type BreakerState,
  DEFAULT_BREAKER_THRESHOLDS,
  INITIAL_BREAKER_STATE,
  stepBreaker,
} from './circuit-breaker-state.js';

const t = DEFAULT_BREAKER_THRESHOLDS;
const fail = (state: BreakerState, now: number) =>
  stepBreaker(state, { type: 'release', outcome: 'failure' }, now, t);

describe('stepBreaker (pure transitions)', () => {
  it('is pure: the input state is never mutated', () => {
    const before: BreakerState = { state: 'closed', failures: [1, 2] };
    const copy = structuredClone(before);
    fail(before, 3);
    stepBreaker(before, { type: 'acquire' }, 3, t);
    expect(before).toEqual(copy);
  });

  it('keeps at most failureThreshold timestamps and opens at the threshold', () => {
    let state: BreakerState = INITIAL_BREAKER_STATE;
    for (let i = 0; i < 4; i++) state = fail(state, i).state;
    expect(state).toEqual({ state: 'closed', failures: [0, 1, 2, 3] });
    const step = fail(state, 4);
    expect(step.state).toEqual({
      state: 'open',
      openedAt: 4,
      reason: '5 failures within 300000 ms',
      manual: false,
    });
    expect(step.reason).toBe('5 failures within 300000 ms');
  });

  it('a refused acquire says how long until the probe', () => {
    const open: BreakerState = { state: 'open', openedAt: 1000, reason: 'r', manual: false };
    expect(stepBreaker(open, { type: 'acquire' }, 1000 + 59_999, t)).toMatchObject({
      admitted: false,
      retryInMs: 1,
    });
    expect(stepBreaker(open, { type: 'acquire' }, 1000 + 60_000, t)).toMatchObject({
      admitted: true,
      probeOf: 61_000,
      state: { state: 'half_open', since: 61_000, inFlight: 1, successes: 0 },
    });
  });

  it('ignores probe releases from an earlier half-open round', () => {
    const half: BreakerState = { state: 'half_open', since: 500, inFlight: 1, successes: 0 };
    const stale = stepBreaker(half, { type: 'release', outcome: 'failure', probeOf: 100 }, 600, t);
    expect(stale.state).toBe(half);
    const normal = stepBreaker(half, { type: 'release', outcome: 'failure' }, 600, t);
    expect(normal.state).toBe(half);
  });
});
