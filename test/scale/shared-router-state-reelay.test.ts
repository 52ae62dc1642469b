/**
 * `createReelay` with `REDIS_URL` (what `reelay serve` and `reelay worker` run): the routing kit
 * keeps breakers, health and spend on Redis, so two instances share them.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reelay } from '../../src/jobs/create-reelay.js';
import { RedisKeys } from '../../src/state/redis/redis-keys.js';
import { RedisSpendStore } from '../../src/state/redis/redis-spend-store.js';
import { removeDir, tempDir } from '../support/pipeline-harness.js';
import { connectRedis, dropKeys, redisUnavailable } from '../support/redis-harness.js';
import { startInstance } from './scale-harness.js';

const skip = (await redisUnavailable('the shared router state tests of createReelay')) !== null;

describe.skipIf(skip)('two Reelay instances on one Redis share the router state', () => {
  let dir: string;
  const prefix = `reelay-test:p9stores:${process.pid}:${randomUUID().slice(0, 8)}:`;
  let a: Reelay;
  let b: Reelay;
  beforeAll(async () => {
    dir = await tempDir('reelay-shared-state-');
    a = await startInstance(dir, prefix, false);
    b = await startInstance(dir, prefix, false);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    const redis = await connectRedis();
    await dropKeys(redis, new RedisKeys(prefix));
    await dropKeys(redis, new RedisKeys(`bull:${new RedisKeys(prefix).jobQueue()}:`));
    redis.disconnect();
    await removeDir(dir);
  });

  it('a breaker opened on one instance is open on the other', async () => {
    expect(b.kit.breakers.isOpen('espeak')).toBe(false);
    a.kit.breakers.get('espeak').isolate('operator');
    await expect.poll(() => b.kit.breakers.isOpen('espeak'), { timeout: 2_000, interval: 2 }).toBe(true);
    expect(b.kit.breakers.get('espeak').isIsolated()).toBe(true);
    a.kit.breakers.get('espeak').close('operator');
    await expect.poll(() => b.kit.breakers.isOpen('espeak'), { timeout: 2_000, interval: 2 }).toBe(false);
  });

  it('spend recorded on one instance counts against budgets on the other, through Redis', async () => {
    expect(a.kit.costs.store).toBeInstanceOf(RedisSpendStore);
    a.kit.costs.record({ provider: 'p9-priced', jobId: 'job_spend', usd: 0.25 });
    await expect
      .poll(() => b.kit.costs.store?.total({ jobId: 'job_spend' }), { timeout: 2_000, interval: 5 })
      .toBeCloseTo(0.25, 9);
    const redis = await connectRedis();
    const keys = new RedisKeys(prefix);
    expect(await redis.hget(keys.spendOfJob('job_spend'), 'p9-priced')).toBe('250000');
    redis.disconnect();
  });

  it('health checked on one instance is known on the other', async () => {
    await a.kit.health.checkNow('espeak');
    const checked = a.kit.health.getHealth('espeak');
    await expect
      .poll(() => b.kit.health.getHealth('espeak')?.lastCheckedAt, { timeout: 2_000, interval: 5 })
      .toBe(checked?.lastCheckedAt);
  });
});
