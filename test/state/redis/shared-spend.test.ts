import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { RedisKeys } from '../../../src/state/redis/redis-keys.js';
import { RedisSpendLedger } from '../../../src/state/redis/redis-spend-ledger.js';
import { RedisSpendStore } from '../../../src/state/redis/redis-spend-store.js';
import { redisUnavailable, TEST_REDIS_URL, useRedisWithKeys } from '../../support/redis-harness.js';

const skip = (await redisUnavailable('the shared spend tests')) !== null;
const run = promisify(execFile);
const client = fileURLToPath(new URL('./spend-client.ts', import.meta.url));

describe.skipIf(skip)('shared atomic spend', () => {
  let redis: Redis;
  let keys: RedisKeys;
  useRedisWithKeys((r, k) => {
    redis = r;
    keys = k;
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

  it('holds an estimate on every budget only when it fits all, counting spend and live holds', async () => {
    const ledger = new RedisSpendLedger(redis, keys);
    const store = new RedisSpendStore({ redis, keys });
    const now = Date.UTC(2026, 11, 2, 12);
    await store.add({ provider: 'p', jobId: 'j', usd: 0.5, at: now });
    await store.add({ provider: 'p', usd: 2, at: Date.UTC(2026, 11, 1, 12) }); // yesterday
    const limits = (job: number, day: number, month: number) => [
      { counter: { kind: 'job' as const, jobId: 'j' }, limitUsd: job },
      { counter: { kind: 'provider' as const, provider: 'p', period: '2026-12-02' }, limitUsd: day },
      { counter: { kind: 'provider' as const, provider: 'p', period: '2026-12' }, limitUsd: month },
    ];
    const hold = (holdId: string, usd: number, l = limits(1, 1, 3.5), at = now) =>
      ledger.hold({ holdId, usd, limits: l, ttlMs: 60_000, now: at });
    expect(await hold('a', 0.4)).toEqual({ admitted: true });
    // job: 0.5 spent + 0.4 held + 0.2 > 1 → refused on the first limit, nothing held.
    expect(await hold('b', 0.2)).toEqual({ admitted: false, index: 0, spentUsd: 0.9 });
    // month: 2.5 spent + 0.4 held + 0.7 > 3.5 → refused on the third.
    expect(await hold('c', 0.7, limits(5, 5, 3.5))).toEqual({ admitted: false, index: 2, spentUsd: 2.9 });
    await ledger.releaseHold(
      'a',
      limits(1, 1, 1).map((l) => l.counter),
    );
    expect(await hold('d', 0.5)).toEqual({ admitted: true });
    // A hold whose process died stops counting after its ttl.
    expect(await hold('e', 0.1, limits(1, 1, 3.5), now + 61_000)).toEqual({ admitted: true });
    expect(await redis.hkeys(keys.spendHolds('job:j'))).toEqual(['e']);
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
