import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisSessionStore } from '../../src/server/openai/session-store.js';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
  lazyConnect: true,
  maxRetriesPerRequest: 1,
});
const prefix = `reelay-test:${randomUUID()}:session:`;

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe('RedisSessionStore', () => {
  it('shares a pin between two instances and expires it with the TTL', async () => {
    const one = new RedisSessionStore(redis, prefix);
    const two = new RedisSessionStore(redis, prefix);
    await one.set('conv', { deployment: 'b', group: 'chat' }, 60_000);
    expect(await two.get('conv')).toEqual({ deployment: 'b', group: 'chat' });
    const ttl = await redis.pttl(`${prefix}conv`);
    expect(ttl).toBeGreaterThan(59_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(await two.get('other')).toBeUndefined();
  });
});
