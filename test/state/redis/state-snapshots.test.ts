import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisKeys } from '../../../src/state/redis/redis-keys.js';
import { RedisVersionedStore } from '../../../src/state/redis/redis-versioned-store.js';
import { SqliteRouterState } from '../../../src/state/sqlite/sqlite-router-state-tier.js';
import { StateSnapshotter } from '../../../src/state/tiers/state-snapshots.js';
import { connectRedis, dropKeys, redisUnavailable, testKeys } from '../../support/redis-harness.js';

const skip = (await redisUnavailable('the router-state snapshot tests')) !== null;

describe.skipIf(skip)('router-state snapshots', () => {
  let redis: Redis;
  let keys: RedisKeys;
  let dir: string;
  let durable: SqliteRouterState;
  let now = 1_700_000_000_000;
  const clock = { now: () => now, setTimeout: () => undefined as never, clearTimeout: () => {} };

  beforeAll(async () => {
    redis = await connectRedis();
    keys = testKeys();
    dir = mkdtempSync(join(tmpdir(), 'reelay-snap-'));
    durable = new SqliteRouterState(join(dir, 'router-state.db'));
  });
  afterAll(async () => {
    await dropKeys(redis, keys);
    redis.disconnect();
    durable.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores the latest snapshot into an empty Redis, and only into an empty one', async () => {
    const shared = new RedisVersionedStore({ redis, keys, now: clock.now });
    const snapshotter = new StateSnapshotter({ shared, store: durable, clock });
    await shared.set('breaker', 'openai', '{"state":"open"}');
    await shared.set('health', 'openai', '{"up":false}');
    const taken = await snapshotter.snapshot();
    expect(taken.entries).toHaveLength(2);
    expect(await snapshotter.restoreIfCold()).toBe(0);
    await dropKeys(redis, keys);
    expect(await snapshotter.restoreIfCold()).toBe(2);
    expect((await shared.get('breaker', 'openai'))?.value).toBe('{"state":"open"}');
    expect((await shared.get('health', 'openai'))?.value).toBe('{"up":false}');
  });

  it('keeps snapshots for the retention period only', async () => {
    const shared = new RedisVersionedStore({ redis, keys, now: clock.now });
    const snapshotter = new StateSnapshotter({ shared, store: durable, clock, retentionMs: 60_000 });
    await snapshotter.snapshot();
    now += 61_000;
    await shared.set('cost', 'daily', '3');
    await snapshotter.snapshot();
    expect(await durable.pruneBefore(0)).toBe(0);
    const latest = await durable.latest();
    expect(latest?.takenAt).toBe(now);
    expect(await durable.pruneBefore(now)).toBe(0);
    expect(await durable.pruneBefore(now + 1)).toBe(1);
  });

  it('the durable tier keeps the newest version of an entry', async () => {
    await durable.put('health', 'p', { value: 'new', version: 5, updatedAt: 1 });
    await durable.put('health', 'p', { value: 'old', version: 4, updatedAt: 2 });
    expect(await durable.get('health', 'p')).toEqual({ value: 'new', version: 5, updatedAt: 1 });
  });
});
