import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRateWindowStore } from '../../../src/state/memory/memory-rate-window-store.js';
import type { RateWindowStore } from '../../../src/state/rate-window-store.js';
import type { RedisKeys } from '../../../src/state/redis/redis-keys.js';
import { RedisRateWindowStore } from '../../../src/state/redis/redis-rate-window-store.js';
import { connectRedis, dropKeys, redisUnavailable, testKeys } from '../../support/redis-harness.js';

const skip = (await redisUnavailable('the shared rate-window tests')) !== null;

/**
 * Time is passed in (the callers' clocks), so these tests run a 60-per-minute window on a mocked
 * time line: no sleeping, and the boundaries are checked to the millisecond.
 */
describe.skipIf(skip)('RedisRateWindowStore (real Redis, unique prefix)', () => {
  const connections: Redis[] = [];
  let keys: RedisKeys;
  const limits = { windowMs: 60_000, requests: 60 };
  const T = 1_800_000_000_000;

  beforeAll(async () => {
    keys = testKeys();
    for (let i = 0; i < 3; i++) connections.push(await connectRedis());
  });
  afterAll(async () => {
    if (connections[0]) await dropKeys(connections[0], keys);
    for (const c of connections) c.disconnect();
  });

  it('3 instances × 100 concurrent requests at once: exactly 60 admitted, the rest told to wait for the window', async () => {
    const stores = connections.map((c) => new RedisRateWindowStore(c, keys));
    const answers = await Promise.all(
      stores.flatMap((store) =>
        Array.from({ length: 100 }, (_, i) =>
          store.acquire({ bucket: 'sim#k1', now: T + i, tokens: 0, limits }),
        ),
      ),
    );
    expect(answers.filter((a) => a.ok)).toHaveLength(60);
    const waits = answers.flatMap((a) => (a.ok ? [] : [a.waitMs]));
    expect(waits).toHaveLength(240);
    expect(Math.min(...waits)).toBeGreaterThan(59_000);
    expect(Math.max(...waits)).toBeLessThanOrEqual(60_000);
    // The oldest admitted entry (at T) leaves exactly at T + 60 000, not 1 ms before.
    const store = stores[0] as RateWindowStore;
    expect((await store.acquire({ bucket: 'sim#k1', now: T + 59_999, tokens: 0, limits })).ok).toBe(false);
    expect((await store.acquire({ bucket: 'sim#k1', now: T + 60_000, tokens: 0, limits })).ok).toBe(true);
  });

  it('matches the in-process store step by step (requests, tokens, hold, restamp, block)', async () => {
    const redis = new RedisRateWindowStore(connections[1] as Redis, keys);
    const memory = new MemoryRateWindowStore();
    const l = { windowMs: 1000, requests: 3, tokens: 100 };
    const steps: Array<{ now: number; tokens: number; hold?: number; restamp?: boolean }> = [
      { now: 0, tokens: 40 },
      { now: 100, tokens: 40, hold: 5000, restamp: true },
      { now: 200, tokens: 40 },
      { now: 300, tokens: 10 },
      { now: 700, tokens: 10, hold: 5000 },
      { now: 1000, tokens: 10 },
      { now: 1500, tokens: 10 },
      { now: 2500, tokens: 50 },
      { now: 4000, tokens: 90 },
    ];
    const pairs: Array<[string, string]> = [];
    const ids: Record<string, string | undefined> = {};
    for (const [i, step] of steps.entries()) {
      const req = { now: step.now, tokens: step.tokens, limits: l, holdMs: step.hold ?? 0 };
      const a = await redis.acquire({ ...req, bucket: 'parity' });
      const b = await memory.acquire({ ...req, bucket: 'parity' });
      pairs.push([JSON.stringify({ ...a, entry: undefined }), JSON.stringify({ ...b, entry: undefined })]);
      if (step.restamp && a.ok && b.ok) {
        await redis.restamp('parity', a.entry, step.now + 300);
        await memory.restamp('parity', b.entry, step.now + 300);
      }
      ids[i] = a.ok ? a.entry : undefined;
    }
    await redis.blockUntil('parity', 6000, 4000);
    await memory.blockUntil('parity', 6000, 4000);
    const blocked = { now: 5000, tokens: 0, limits: l };
    pairs.push([
      JSON.stringify({ ...(await redis.acquire({ ...blocked, bucket: 'parity' })), entry: undefined }),
      JSON.stringify({ ...(await memory.acquire({ ...blocked, bucket: 'parity' })), entry: undefined }),
    ]);
    for (const [r, m] of pairs) expect(r).toBe(m);
    expect(pairs.some(([r]) => r.includes('"ok":false'))).toBe(true);
    expect(pairs.at(-1)?.[0]).toContain('"waitMs":1000');
  });
});
