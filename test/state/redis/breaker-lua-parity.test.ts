import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import {
  type BreakerInput,
  type BreakerState,
  type BreakerThresholds,
  INITIAL_BREAKER_STATE,
  stepBreaker,
} from '../../../src/resilience/circuit-breaker-state.js';
import { RedisBreakerStateStore } from '../../../src/state/redis/redis-breaker-state-store.js';
import type { RedisKeys } from '../../../src/state/redis/redis-keys.js';
import { redisUnavailable, useRedisWithKeys } from '../../support/redis-harness.js';

const skip = (await redisUnavailable('the breaker Lua parity tests')) !== null;

const thresholdsArb: fc.Arbitrary<BreakerThresholds> = fc.record({
  failureThreshold: fc.integer({ min: 1, max: 4 }),
  slowCallThresholdMs: fc.constant(60_000),
  recoveryTimeoutMs: fc.integer({ min: 1, max: 2_000 }),
  halfOpenMaxCalls: fc.integer({ min: 1, max: 3 }),
  monitoringWindowMs: fc.integer({ min: 1, max: 5_000 }),
  successThreshold: fc.integer({ min: 1, max: 3 }),
});

/** An input; `probe` is resolved against the probe rounds handed out so far. */
type Action =
  | { input: BreakerInput; advanceMs: number }
  | { release: 'success' | 'failure' | 'ignored'; probe: 'last' | 'stale' | 'none'; advanceMs: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      input: fc.constant<BreakerInput>({ type: 'acquire' }),
      advanceMs: fc.integer({ min: 0, max: 1_500 }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      release: fc.constantFrom('success', 'failure', 'ignored'),
      probe: fc.constantFrom('last', 'stale', 'none'),
      advanceMs: fc.integer({ min: 0, max: 1_500 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      input: fc.oneof(
        fc.record({ type: fc.constant('open' as const), reason: fc.string({ maxLength: 12 }) }),
        fc.record({ type: fc.constant('close' as const), reason: fc.string({ maxLength: 12 }) }),
        fc.record({ type: fc.constant('isolate' as const), reason: fc.string({ maxLength: 12 }) }),
      ),
      advanceMs: fc.integer({ min: 0, max: 1_500 }),
    }),
  },
);

describe.skipIf(skip)('breaker transition in Lua mirrors stepBreaker', () => {
  let redis: Redis;
  let keys: RedisKeys;
  useRedisWithKeys((r, k) => {
    redis = r;
    keys = k;
  });

  it('agrees with the TypeScript transition on random event sequences', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        thresholdsArb,
        fc.array(actionArb, { minLength: 1, maxLength: 40 }),
        async (t, actions) => {
          run += 1;
          let now = 1_700_000_000_000;
          const store = new RedisBreakerStateStore({
            redis,
            keys,
            clock: { now: () => now, setTimeout: () => undefined as never, clearTimeout: () => {} },
          });
          const provider = `p${run}`;
          let local: BreakerState = INITIAL_BREAKER_STATE;
          const probes: number[] = [];
          for (const action of actions) {
            now += action.advanceMs;
            let input: BreakerInput;
            if ('input' in action) input = action.input;
            else {
              const probeOf =
                action.probe === 'last'
                  ? probes.at(-1)
                  : action.probe === 'stale'
                    ? (probes.at(-2) ?? now - 1)
                    : undefined;
              input =
                probeOf === undefined
                  ? { type: 'release', outcome: action.release }
                  : { type: 'release', outcome: action.release, probeOf };
            }
            const expected = stepBreaker(local, input, now, t);
            const { version: _version, ...actual } = await store.transition(provider, input, t);
            expect(actual).toEqual(expected);
            local = expected.state;
            if (expected.probeOf !== undefined) probes.push(expected.probeOf);
          }
          expect((await store.get(provider)).state).toEqual(local);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('bumps the version only when the state changes and announces each change', async () => {
    const now = 1_700_000_000_000;
    const clock = { now: () => now, setTimeout: () => undefined as never, clearTimeout: () => {} };
    const a = new RedisBreakerStateStore({ redis, keys, clock });
    const t = {
      failureThreshold: 2,
      slowCallThresholdMs: 1,
      recoveryTimeoutMs: 10,
      halfOpenMaxCalls: 1,
      monitoringWindowMs: 1_000,
      successThreshold: 1,
    };
    const seen: string[] = [];
    const unsubscribe = await a.subscribe((change) => {
      if (change.provider === 'versioned') seen.push(`${change.version}:${change.state.state}`);
    });
    expect((await a.transition('versioned', { type: 'acquire' }, t)).version).toBe(1);
    expect((await a.transition('versioned', { type: 'acquire' }, t)).version).toBe(1);
    await a.transition('versioned', { type: 'open', reason: 'manual/"quoted"' }, t);
    const read = await a.get('versioned');
    expect(read).toEqual({
      version: 2,
      state: { state: 'open', openedAt: now, reason: 'manual/"quoted"', manual: true },
    });
    await expect.poll(() => seen, { timeout: 2_000 }).toEqual(['1:closed', '2:open']);
    await unsubscribe();
  });
});
