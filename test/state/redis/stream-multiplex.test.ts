import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../src/domain/events.js';
import { MemoryEventLog } from '../../../src/state/memory/memory-event-log.js';
import type { RedisKeys } from '../../../src/state/redis/redis-keys.js';
import { RedisStreamEventLog } from '../../../src/state/redis/redis-stream-event-log.js';
import { progressEvent } from '../../support/progress-event.js';
import { connectRedis, dropKeys, redisUnavailable, testKeys } from '../../support/redis-harness.js';

const skip = (await redisUnavailable('the multiplexed event stream tests')) !== null;

const progress = progressEvent;

/** Waits (real time, polling) until `done()`; fails after `ms`. Not a timing assertion. */
async function until(done: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Connections in CLIENT LIST whose name is `name`. */
async function connectionsNamed(redis: Redis, name: string): Promise<number> {
  const list = (await redis.call('CLIENT', 'LIST')) as string;
  return list.split('\n').filter((line) => line.includes(` name=${name} `)).length;
}

describe.skipIf(skip)('job event streams on one blocking connection', () => {
  let redis: Redis;
  let keys: RedisKeys;
  let reader: RedisStreamEventLog;
  let writer: RedisStreamEventLog;
  let readerName: string;
  beforeAll(async () => {
    redis = await connectRedis();
    keys = testKeys();
    readerName = `${keys.prefix.replace(/[^A-Za-z0-9-]/g, '-')}reader`;
    // A long block: a stream followed later is only read promptly if the wake-up works.
    reader = new RedisStreamEventLog({
      durable: new MemoryEventLog(),
      redis,
      keys,
      blockMs: 30_000,
      readerName,
    });
    writer = new RedisStreamEventLog({ durable: new MemoryEventLog(), redis: redis.duplicate(), keys });
  });
  afterAll(async () => {
    reader.close();
    writer.close();
    await dropKeys(redis, keys);
    redis.disconnect();
  });

  it('50 subscribers to 50 jobs: one reader connection, every job its events in order, contiguous', async () => {
    const received = new Map<string, number[]>();
    const subscriptions = Array.from({ length: 50 }, (_, i) => {
      const jobId = `job_${i}`;
      received.set(jobId, []);
      return reader.subscribe(jobId, (e: StoredEvent) => received.get(jobId)?.push(e.id));
    });
    // Let every subscription resolve its cursor and the reader arm its XREAD.
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (let n = 1; n <= 10; n++) {
      await Promise.all([...received.keys()].map((jobId) => writer.append(progress(jobId, n))));
    }
    await until(() => [...received.values()].every((ids) => ids.length >= 10), 15_000, 'all events');
    for (const ids of received.values()) expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await connectionsNamed(redis, readerName)).toBe(1);
    for (const s of subscriptions) s.dispose();
  }, 30_000);

  it('a job followed while the reader is blocked is read at once (the blocked read is re-armed)', async () => {
    const first: number[] = [];
    const a = reader.subscribe('early', (e) => first.push(e.id));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const late: number[] = [];
    const b = reader.subscribe('late', (e) => late.push(e.id));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await writer.append(progress('late', 1));
    await writer.append(progress('early', 1));
    // blockMs is 30 s: without the wake-up, 'late' would wait for the read to time out.
    await until(() => late.length === 1 && first.length === 1, 5_000, 'the late job');
    expect(await connectionsNamed(redis, readerName)).toBe(1);
    a.dispose();
    b.dispose();
  }, 20_000);

  it('concurrent appends: the stream holds ids 1…n in order, identical to the durable log', async () => {
    const durable = new MemoryEventLog();
    const log = new RedisStreamEventLog({ durable, redis: redis.duplicate(), keys });
    const got: number[] = [];
    const sub = reader.subscribe('burst', (e) => got.push(e.id));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await Promise.all([
      ...Array.from({ length: 60 }, (_, i) => log.append(progress('burst', i + 1))),
      log.appendMany([progress('burst', 61), progress('burst', 62)]),
    ]);
    await log.settled();
    const entries = await redis.xrange(keys.jobEvents('burst'), '-', '+');
    const streamed = entries.map(([, fields]) => JSON.parse(fields[fields.indexOf('e') + 1] as string));
    expect(streamed.map((e: StoredEvent) => e.id)).toEqual(Array.from({ length: 62 }, (_, i) => i + 1));
    expect(streamed).toEqual(await durable.read('burst'));
    await until(() => got.length === 62, 10_000, 'the burst');
    expect(got).toEqual(Array.from({ length: 62 }, (_, i) => i + 1));
    sub.dispose();
    log.close();
  }, 20_000);
});

describe('RedisStreamEventLog without Redis answering', () => {
  it('an append resolves once durable, without waiting for the stream copy; settled() is bounded', async () => {
    const never = new Promise<never>(() => {});
    const multi = { xadd: () => multi, pexpire: () => multi, exec: () => never };
    const silent = { multi: () => multi } as unknown as Redis;
    const durable = new MemoryEventLog();
    const log = new RedisStreamEventLog({ durable, redis: silent });
    const stored = await log.append(progress('quiet', 1));
    expect(stored.id).toBe(1);
    expect(await durable.lastId('quiet')).toBe(1);
    await log.settled(20);
  });
});
