import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { MemorySpendStore } from '../../../src/state/memory/memory-router-state.js';
import { openRedis } from '../../../src/state/redis/redis-connection.js';
import type { RedisKeys } from '../../../src/state/redis/redis-keys.js';
import { RedisSpendStore } from '../../../src/state/redis/redis-spend-store.js';
import { redisUnavailable, useRedisWithKeys } from '../../support/redis-harness.js';

const skip = (await redisUnavailable('the Redis spend store tests')) !== null;
const DAY = Date.UTC(2026, 4, 1);

describe.skipIf(skip)('spend counters on Redis', () => {
  let redis: Redis;
  let keys: RedisKeys;
  useRedisWithKeys((r, k) => {
    redis = r;
    keys = k;
  });

  it('sums per job, per provider and since the start of a UTC day, as the durable stores do', async () => {
    const durable = new MemorySpendStore();
    const a = new RedisSpendStore({ redis, keys, durable });
    const b = new RedisSpendStore({ redis, keys });
    await a.add({ provider: 'openai', jobId: 'j1', usd: 0.25, at: DAY - 1 });
    await a.add({ provider: 'openai', jobId: 'j2', usd: 0.5, at: DAY + 10 });
    await a.add({ provider: 'eleven', usd: 2, at: DAY + 20 });
    expect(await b.total({ provider: 'openai' })).toBeCloseTo(0.75, 9);
    expect(await b.total({ provider: 'openai', sinceMs: DAY })).toBeCloseTo(0.5, 9);
    expect(await b.total({ jobId: 'j1' })).toBeCloseTo(0.25, 9);
    expect(await b.total({})).toBeCloseTo(2.75, 9);
    expect(await b.total({ provider: 'none' })).toBe(0);
    // Every charge is in the durable store too; a time inside a day is answered from there.
    expect(await durable.total({})).toBeCloseTo(2.75, 9);
    expect(await a.total({ provider: 'openai', sinceMs: DAY + 5 })).toBeCloseTo(0.5, 9);
  });

  it('answers from the durable store while Redis is unreachable', async () => {
    const nowhere = openRedis('redis://127.0.0.1:1', { retryStrategy: () => 1_000 });
    nowhere.on('error', () => {});
    const durable = new MemorySpendStore();
    const errors: unknown[] = [];
    const store = new RedisSpendStore({ redis: nowhere, keys, durable, onError: (e) => errors.push(e) });
    await store.add({ provider: 'openai', usd: 1, at: DAY });
    expect(await store.total({ provider: 'openai' })).toBe(1);
    expect(errors.length).toBeGreaterThanOrEqual(2);
    nowhere.disconnect();
  });
});
