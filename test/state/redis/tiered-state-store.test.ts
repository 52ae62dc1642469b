import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/domain/clock.js';
import { openRedis, waitForRedis } from '../../../src/state/redis/redis-connection.js';
import type { RedisKeys } from '../../../src/state/redis/redis-keys.js';
import { RedisVersionedStore } from '../../../src/state/redis/redis-versioned-store.js';
import { L1Cache } from '../../../src/state/tiers/l1-cache.js';
import type { DurableStateTier, StateKind, VersionedEntry } from '../../../src/state/tiers/state-kind.js';
import { TieredStateStore } from '../../../src/state/tiers/tiered-state-store.js';
import { connectRedis, dropKeys, redisUnavailable, testKeys } from '../../support/redis-harness.js';

const skip = (await redisUnavailable('the tiered state store tests')) !== null;

/** A clock whose timers never fire on their own: the test calls reconcile() itself. */
const clock: Clock = { now: () => Date.now(), setTimeout: () => undefined as never, clearTimeout: () => {} };

class MapDurable implements DurableStateTier {
  readonly map = new Map<string, VersionedEntry>();
  async get(kind: StateKind, key: string) {
    return this.map.get(`${kind}:${key}`) ?? null;
  }
  async put(kind: StateKind, key: string, entry: VersionedEntry) {
    this.map.set(`${kind}:${key}`, entry);
  }
  async ping() {
    return 0;
  }
}

describe.skipIf(skip)('TieredStateStore on Redis', () => {
  let redis: Redis;
  let keys: RedisKeys;
  const opened: TieredStateStore[] = [];
  const connections: Redis[] = [];

  async function instance(connection?: Redis, durable?: DurableStateTier) {
    const own = connection ?? (await connectRedis());
    connections.push(own);
    const shared = new RedisVersionedStore({ redis: own, keys });
    const store = new TieredStateStore({ l1: new L1Cache({ clock }), shared, durable, clock });
    await store.start();
    opened.push(store);
    return store;
  }

  beforeAll(async () => {
    redis = await connectRedis();
    keys = testKeys();
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.stop();
    for (const connection of connections.splice(0)) connection.disconnect();
  });
  afterAll(async () => {
    await dropKeys(redis, keys);
    redis.disconnect();
  });

  it('versions every write and refuses a stale compare-and-set', async () => {
    const shared = new RedisVersionedStore({ redis, keys });
    expect(await shared.set('cost', 'cas', '"a"', 0)).toEqual({ written: true, version: 1 });
    expect(await shared.set('cost', 'cas', '"b"', 0)).toEqual({ written: false, version: 1 });
    expect(await shared.set('cost', 'cas', '"b"', 1)).toEqual({ written: true, version: 2 });
    expect(await shared.set('cost', 'cas', '"c"')).toEqual({ written: true, version: 3 });
    expect(await shared.get('cost', 'cas')).toMatchObject({ value: '"c"', version: 3 });
    expect(
      await shared.versions([
        { kind: 'cost', key: 'cas' },
        { kind: 'cost', key: 'none' },
      ]),
    ).toEqual([3, 0]);
  });

  it('a write on one instance invalidates the L1 of another through the change message', async () => {
    const a = await instance();
    const b = await instance();
    await a.setJson('health', 'openai', { up: true });
    expect(await b.getJson('health', 'openai')).toEqual({ up: true });
    await a.setJson('health', 'openai', { up: false });
    await expect
      .poll(() => b.getJson('health', 'openai'), { timeout: 2_000, interval: 5 })
      .toEqual({ up: false });
  });

  it('reconciliation drops L1 entries whose version changed behind its back', async () => {
    const a = await instance();
    await a.setJson('routing', 'r1', 'first');
    // A write that announces nothing (as if the message were lost).
    await redis.hset(`${keys.prefix}state:routing:r1`, 'v', '"second"', 'ver', 99);
    expect(await a.getJson('routing', 'r1')).toBe('first');
    expect(await a.reconcile()).toBe(1);
    expect(await a.getJson('routing', 'r1')).toBe('second');
  });

  it('starts degraded, without hanging, when Redis cannot be reached at all', async () => {
    const nowhere = openRedis('redis://127.0.0.1:1', { retryStrategy: () => 1_000 });
    nowhere.on('error', () => {});
    connections.push(nowhere);
    const durable = new MapDurable();
    await durable.put('health', 'openai', { value: '{"up":true}', version: 3, updatedAt: 0 });
    const store = new TieredStateStore({
      l1: new L1Cache({ clock }),
      shared: new RedisVersionedStore({ redis: nowhere, keys }),
      durable,
      clock,
    });
    opened.push(store);
    await store.start();
    expect(await store.getJson('health', 'openai')).toEqual({ up: true });
    expect(store.mode).toBe('degraded');
    expect((await store.health()).verdict).toBe('degraded');
  });

  it('degrades to L1 + durable when Redis is unreachable and recovers when it returns', async () => {
    const own = await connectRedis();
    const durable = new MapDurable();
    const modes: string[] = [];
    const shared = new RedisVersionedStore({ redis: own, keys });
    const store = new TieredStateStore({
      l1: new L1Cache({ clock }),
      shared,
      durable,
      clock,
      onModeChange: (mode) => modes.push(mode),
    });
    opened.push(store);
    connections.push(own);
    await store.start();
    await store.setJson('cost', 'spend', 1);
    own.disconnect(false);
    await expect.poll(() => own.status, { timeout: 2_000, interval: 5 }).toBe('end');
    await store.setJson('cost', 'spend', 2);
    expect(store.mode).toBe('degraded');
    expect(await durable.get('cost', 'spend')).toMatchObject({ value: '2' });
    const report = await store.health();
    expect(report.verdict).toBe('degraded');
    expect(report.tiers.find((t) => t.tier === 'l2')?.up).toBe(false);
    expect(await store.getJson('cost', 'spend')).toBe(2);
    await own.connect();
    await waitForRedis(own, 5_000);
    await store.reconcile();
    expect(store.mode).toBe('shared');
    expect(modes).toEqual(['degraded', 'shared']);
    expect((await store.health()).verdict).toBe('healthy');
  });
});
