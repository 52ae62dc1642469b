import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/domain/clock.js';
import { DEFAULT_BREAKER_THRESHOLDS } from '../../../src/resilience/circuit-breaker-state.js';
import {
  type BreakerChange,
  RedisBreakerStateStore,
} from '../../../src/state/redis/redis-breaker-state-store.js';
import type { RedisKeys } from '../../../src/state/redis/redis-keys.js';
import { connectRedis, dropKeys, redisUnavailable, testKeys } from '../../support/redis-harness.js';

const skip = (await redisUnavailable('the breaker propagation tests')) !== null;

describe.skipIf(skip)('breaker state shared between instances', () => {
  let a: Redis;
  let b: Redis;
  let keys: RedisKeys;
  beforeAll(async () => {
    [a, b] = await Promise.all([connectRedis(), connectRedis()]);
    keys = testKeys();
  });
  afterAll(async () => {
    await dropKeys(a, keys);
    a.disconnect();
    b.disconnect();
  });

  it('a breaker opened on instance A is seen open on instance B within 100 ms', async () => {
    const storeA = new RedisBreakerStateStore({ redis: a, keys, clock: systemClock, instanceId: 'A' });
    const storeB = new RedisBreakerStateStore({ redis: b, keys, clock: systemClock, instanceId: 'B' });
    let waiting: ((change: BreakerChange) => void) | undefined;
    const unsubscribe = await storeB.subscribe((change) => waiting?.(change));
    const delays: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const provider = `flaky-${i}`;
      const seen = new Promise<BreakerChange>((resolve) => {
        waiting = (change) => {
          if (change.provider === provider && change.state.state === 'open') resolve(change);
        };
      });
      const started = performance.now();
      await storeA.transition(provider, { type: 'open', reason: 'operator' }, DEFAULT_BREAKER_THRESHOLDS);
      const change = await seen;
      delays.push(performance.now() - started);
      expect(change.origin).toBe('A');
      expect(storeB.peek(provider)?.state.state).toBe('open');
      expect((await storeB.get(provider)).state.state).toBe('open');
      expect(
        (await storeB.transition(provider, { type: 'acquire' }, DEFAULT_BREAKER_THRESHOLDS)).admitted,
      ).toBe(false);
    }
    delays.sort((x, y) => x - y);
    // The median, so that one scheduling hiccup on a loaded machine does not decide the verdict.
    expect(delays[10]).toBeLessThan(100);
    await unsubscribe();
  });
});
