/**
 * Learned rate-limit counts shared through Redis (docs/rate-limits-and-bulkheads.md#learned):
 * what one instance learns from `x-ratelimit-remaining-*` / `reset-*` headers, the other sees
 * before it sends.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/domain/clock.js';
import { ReelayError } from '../../src/domain/errors.js';
import { RateLimiter } from '../../src/resilience/rate-limiter.js';
import { RedisKeys } from '../../src/state/redis/redis-keys.js';
import { RedisLearnedLimitStore } from '../../src/state/redis/redis-learned-limit-store.js';
import { RedisRateWindowStore } from '../../src/state/redis/redis-rate-window-store.js';
import { connectRedis, dropKeys, redisUnavailable, testKeys } from '../support/redis-harness.js';

const skip = await redisUnavailable('the shared learned rate-limit tests');
const keys = testKeys();
let redis: Redis;

/** A clock both instances read (time moves only when the test says). */
function sharedClock(start = 1_800_000_000_000): Clock & { now(): number; at: number } {
  const c = {
    at: start,
    now: () => c.at,
    // No test here waits (every wait exceeds maxWaitMs and is refused at once).
    setTimeout: (fn: () => void) => setTimeout(fn, 0),
    clearTimeout: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
  return c as unknown as Clock & { now(): number; at: number };
}

/** One instance: its own limiter and Redis stores, on the shared key prefix. */
function instance(clock: Clock, prefix: string): RateLimiter {
  const k = new RedisKeys(prefix);
  return new RateLimiter({
    clock,
    store: new RedisRateWindowStore(redis, k),
    learned: new RedisLearnedLimitStore(redis, k),
    limits: { openai: { keyId: 'k1', maxWaitMs: 1000 } },
  });
}

const headers = (remaining: number, reset: string) =>
  new Headers({ 'x-ratelimit-remaining-requests': String(remaining), 'x-ratelimit-reset-requests': reset });

async function refusal(p: Promise<unknown>): Promise<ReelayError> {
  return (await p.then(
    () => expect.unreachable('expected a refusal'),
    (e: unknown) => e,
  )) as ReelayError;
}

describe.skipIf(skip !== null)('learned rate-limit counts shared through Redis', () => {
  beforeAll(async () => {
    redis = await connectRedis();
  });
  afterAll(async () => {
    await dropKeys(redis, keys);
    redis.disconnect();
  });

  it('A learns remaining 0 → B waits for the reset before sending (refused when past maxWaitMs)', async () => {
    const clock = sharedClock();
    const prefix = `${keys.prefix}zero:`;
    const a = instance(clock, prefix);
    const b = instance(clock, prefix);
    a.learn('openai', headers(0, '20s'), 200);
    await a.whenShared();
    const error = await refusal(b.acquire('openai'));
    expect(ReelayError.isInstance(error)).toBe(true);
    expect(error.category).toBe('rate_limit');
    expect(error.retryAfterMs).toBe(20_000);
    expect(b.view('openai')).toMatchObject({ remainingRequests: 0 });
    // After the provider's reset the learned count is gone: B sends.
    clock.at += 20_000;
    await expect(b.acquire('openai')).resolves.toMatchObject({ waitedMs: 0 });
  });

  it('A learns remaining 2 → A and B together send 2, the third waits', async () => {
    const clock = sharedClock();
    const prefix = `${keys.prefix}two:`;
    const a = instance(clock, prefix);
    const b = instance(clock, prefix);
    a.learn('openai', headers(2, '30s'), 200);
    await a.whenShared();
    await expect(b.acquire('openai')).resolves.toMatchObject({ waitedMs: 0 });
    await expect(a.acquire('openai')).resolves.toMatchObject({ waitedMs: 0 });
    const third = await refusal(b.acquire('openai'));
    expect(third.category).toBe('rate_limit');
    expect(a.view('openai')).toMatchObject({ remainingRequests: 0 });
  });

  it('without the shared store, B does not know what A learned (the gap this closes)', async () => {
    const clock = sharedClock();
    const a = new RateLimiter({ clock, limits: { openai: { keyId: 'k1', maxWaitMs: 1000 } } });
    const b = new RateLimiter({ clock, limits: { openai: { keyId: 'k1', maxWaitMs: 1000 } } });
    a.learn('openai', headers(0, '20s'), 200);
    await expect(b.acquire('openai')).resolves.toMatchObject({ waitedMs: 0 });
  });
});
