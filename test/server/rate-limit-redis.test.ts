import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequentialIds } from '../../src/domain/ids.js';
import { createServer } from '../../src/server/create-server.js';
import { FakeReelayService } from '../support/fake-reelay-service.js';
import { connectRedis, dropKeys, redisUnavailable, testKeys } from '../support/redis-harness.js';
import { expectProblem, VALID_REQUEST } from './helpers.js';

const skip = await redisUnavailable('the shared rate-limit tests');
const keys = testKeys();
let redis: Redis;

/** One API instance whose generation limit is counted in the shared Redis. */
function instance(perMinute: number) {
  return createServer({
    service: new FakeReelayService(),
    config: { generateRatePerMinute: perMinute },
    ids: sequentialIds(),
    rateLimitRedis: redis,
    rateLimitRedisPrefix: `${keys.prefix}rate:`,
  });
}

describe.skipIf(skip !== null)('generate rate limit shared through Redis', () => {
  beforeAll(async () => {
    redis = await connectRedis();
  });
  afterAll(async () => {
    await dropKeys(redis, keys);
    redis.disconnect();
  });

  it('counts one window per client across two API instances', async () => {
    const a = instance(2);
    const b = instance(2);
    const post = (app: ReturnType<typeof instance>, ip: string) =>
      app.inject({ method: 'POST', url: '/api/video/generate', payload: VALID_REQUEST, remoteAddress: ip });
    expect((await post(a, '10.1.0.1')).statusCode).toBe(202);
    const second = await post(b, '10.1.0.1');
    expect(second.statusCode).toBe(202);
    expect(second.headers['ratelimit-remaining']).toBe('0');
    // The third request of the minute is refused on either instance: the counter is shared.
    const third = await post(a, '10.1.0.1');
    expect(expectProblem(third, 429, 'REELAY_ERR_RATE_LIMITED').detail).toContain('2 per minute');
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    // Another client has its own window.
    expect((await post(b, '10.1.0.2')).statusCode).toBe(202);
    const stored = await redis.keys(`${keys.prefix}rate:*`);
    expect(stored.length).toBeGreaterThanOrEqual(2);
    await a.close();
    await b.close();
  });
});
