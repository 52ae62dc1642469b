import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { RedisKeys } from '../../src/state/redis/redis-keys.js';
import { RedisSpendStore } from '../../src/state/redis/redis-spend-store.js';
import { redisUnavailable, TEST_REDIS_URL, useRedisWithKeys } from '../support/redis-harness.js';

const skip = (await redisUnavailable('the router shared-spend test')) !== null;
const run = promisify(execFile);
const client = fileURLToPath(new URL('./router-spend-client.ts', import.meta.url));

describe.skipIf(skip)('budgets through the shared spend ledger (router, two processes)', () => {
  let redis: Redis;
  let keys: RedisKeys;
  useRedisWithKeys((r, k) => {
    redis = r;
    keys = k;
  });

  it('two processes × 50 concurrent priced router calls at a daily limit overspend by at most one estimate', async () => {
    const price = 0.07;
    const limit = 2.5;
    const options = { url: TEST_REDIS_URL, prefix: keys.prefix, calls: 50, price, limit, processes: 2 };
    const outputs = await Promise.all(
      [0, 1].map(() =>
        run(process.execPath, ['--import', 'tsx', client, JSON.stringify(options)], { timeout: 60_000 }),
      ),
    );
    const results = outputs.map(
      ({ stdout }) => JSON.parse(stdout) as { ran: number; refused: number; failed: number; calls: number },
    );
    const ran = results.reduce((n, r) => n + r.ran, 0);
    const refused = results.reduce((n, r) => n + r.refused, 0);
    // Every call either ran or was refused by the budget; a refused call never reached the provider.
    expect(results.map((r) => r.failed)).toEqual([0, 0]);
    expect(ran + refused).toBe(100);
    expect(results.map((r) => r.calls)).toEqual(results.map((r) => r.ran));
    const dayStart = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    const spent = await new RedisSpendStore({ redis, keys }).total({ provider: 'paid', sinceMs: dayStart });
    expect(spent).toBeLessThanOrEqual(limit + price + 1e-9);
    // Actual cost = estimate here, so the atomic holds admit exactly the calls that fit.
    expect(ran).toBe(Math.floor(limit / price + 1e-9));
    expect(spent).toBeCloseTo(ran * price, 6);
    // Every hold was dropped when its call ended.
    const holds = await redis.keys(`${keys.prefix}spend-holds:*`);
    for (const key of holds) expect(await redis.hlen(key)).toBe(0);
  }, 90_000);
});
