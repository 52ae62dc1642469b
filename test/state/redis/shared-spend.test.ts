import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisKeys } from '../../../src/state/redis/redis-keys.js';
import { RedisSpendLedger } from '../../../src/state/redis/redis-spend-ledger.js';
import {
  connectRedis,
  dropKeys,
  redisUnavailable,
  TEST_REDIS_URL,
  testKeys,
} from '../../support/redis-harness.js';

const skip = (await redisUnavailable('the shared spend tests')) !== null;
const run = promisify(execFile);
const client = fileURLToPath(new URL('./spend-client.ts', import.meta.url));

describe.skipIf(skip)('shared atomic spend', () => {
  let redis: Redis;
  let keys: RedisKeys;
  beforeAll(async () => {
    redis = await connectRedis();
    keys = testKeys();
  });
  afterAll(async () => {
    await dropKeys(redis, keys);
    redis.disconnect();
  });

  it('reserves only what fits, settles to the actual cost and releases unused reservations', async () => {
    const ledger = new RedisSpendLedger(redis, keys);
    expect(await ledger.reserve('unit', 0.3, 1)).toEqual({ admitted: true, spent: 0.3 });
    expect(await ledger.reserve('unit', 0.6, 1)).toEqual({ admitted: true, spent: 0.9 });
    expect(await ledger.reserve('unit', 0.2, 1)).toEqual({ admitted: false, spent: 0.9 });
    expect(await ledger.settle('unit', 0.6, 0.5)).toBeCloseTo(0.8, 9);
    expect(await ledger.release('unit', 0.3)).toBeCloseTo(0.5, 9);
    expect(await ledger.reserve('unit', 0.5, 1)).toEqual({ admitted: true, spent: 1 });
  });

  it('two processes × 50 concurrent priced calls overspend by at most one estimate', async () => {
    const estimate = 0.07;
    const limit = 2.5;
    const options = { url: TEST_REDIS_URL, prefix: keys.prefix, budget: 'daily', calls: 50, estimate, limit };
    const startAt = Date.now() + 1_500;
    const outputs = await Promise.all(
      [0, 1].map(() =>
        run(process.execPath, ['--import', 'tsx', client, JSON.stringify({ ...options, startAt })], {
          timeout: 60_000,
        }),
      ),
    );
    const admitted = outputs.map(({ stdout }) => (JSON.parse(stdout) as { admitted: number }).admitted);
    const spent = await new RedisSpendLedger(redis, keys).spent('daily');
    expect(spent).toBeLessThanOrEqual(limit + estimate);
    // Atomic check-and-add admits exactly as many calls as fit: none lost, none extra.
    expect(admitted[0]! + admitted[1]!).toBe(Math.floor(limit / estimate));
    expect(spent).toBeCloseTo(Math.floor(limit / estimate) * estimate, 6);
  }, 90_000);
});
