/**
 * The job event writer thread (real PostgreSQL and Redis): events written through it get the ids,
 * order and stream copies the main-thread path gives; the sink resolves and tells listeners in
 * order; `close()` stores what was posted; a writer whose thread dies hands its unanswered events
 * back, and the sink stores them in-process (nothing lost); a thread that cannot open its
 * connections makes `start` fail with the reason.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/domain/events.js';
import { JobEventSink } from '../../src/jobs/job-event-sink.js';
import { EVENT_WRITER_LOST, ThreadedEventWriter } from '../../src/jobs/threaded-event-writer.js';
import { MemoryJobLogStore } from '../../src/state/memory/memory-job-log-store.js';
import { createPostgresStores, type PostgresStores } from '../../src/state/postgres/postgres-stores.js';
import type { RedisKeys } from '../../src/state/redis/redis-keys.js';
import { dropSchema, pgUnreachable, TEST_DATABASE_URL } from '../support/postgres-harness.js';
import { progressEvent } from '../support/progress-event.js';
import {
  connectRedis,
  dropKeys,
  redisUnavailable,
  TEST_REDIS_URL,
  testKeys,
} from '../support/redis-harness.js';

const skip =
  (await pgUnreachable('the event writer thread tests')) !== null ||
  (await redisUnavailable('the event writer thread tests')) !== null;
const schema = `reelay_writer_${process.pid}_${Date.now().toString(36)}`;

const progress = progressEvent;

describe.skipIf(skip)('the job event writer thread', () => {
  let stores: PostgresStores;
  let redis: Redis;
  let keys: RedisKeys;
  const start = (): Promise<ThreadedEventWriter> =>
    ThreadedEventWriter.start({
      databaseUrl: TEST_DATABASE_URL,
      schema,
      redisUrl: TEST_REDIS_URL,
      redisPrefix: keys.prefix,
      asyncCommit: false,
    });

  beforeAll(async () => {
    stores = await createPostgresStores(TEST_DATABASE_URL, { schema, notifyEvents: false, listen: false });
    redis = await connectRedis();
    keys = testKeys();
  });
  afterAll(async () => {
    await stores?.close();
    if (redis) {
      await dropKeys(redis, keys);
      redis.disconnect();
    }
    await dropSchema(schema);
  });

  it('3 jobs × 40 events: ids 1…40 per job in emission order, in PostgreSQL and in each job stream; listeners told in order', async () => {
    const writer = await start();
    const sink = new JobEventSink(stores.events, new MemoryJobLogStore(), undefined, undefined, writer);
    const told: string[] = [];
    sink.onStored((e) => told.push(`${e.jobId}:${e.id}`));
    const jobs = ['wa', 'wb', 'wc'];
    const appended: Array<Promise<StoredEvent | undefined>> = [];
    for (let n = 1; n <= 40; n += 1) for (const job of jobs) appended.push(sink.append(progress(job, n)));
    const stored = await Promise.all(appended);
    for (const job of jobs) {
      const mine = stored.filter((e) => e?.jobId === job);
      expect(mine.map((e) => e?.id)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(mine.map((e) => (e?.type === 'progress' ? e.percentage : -1))).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      const durable = await stores.events.read(job, 0);
      expect(durable.map((e) => e.id)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(told.filter((t) => t.startsWith(`${job}:`))).toEqual(
        Array.from({ length: 40 }, (_, i) => `${job}:${i + 1}`),
      );
    }
    await writer.close();
    // close() waited for the stream copies too.
    for (const job of jobs) {
      const entries = await redis.xrange(keys.jobEvents(job), '-', '+');
      expect(entries.map(([, fields]) => Number(fields[fields.indexOf('id') + 1]))).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
    }
    await expect(writer.append(progress('wa', 41))).rejects.toThrow(EVENT_WRITER_LOST);
  });

  it('close() stores everything posted before it', async () => {
    const writer = await start();
    const posted = Array.from({ length: 25 }, (_, i) => writer.append(progress('wclose', i + 1)));
    await writer.close();
    expect((await Promise.all(posted)).map((e) => e?.id)).toEqual(
      Array.from({ length: 25 }, (_, i) => i + 1),
    );
    expect(await stores.events.lastId('wclose')).toBe(25);
  });

  it('a writer whose thread dies: its unanswered and later events are stored in-process, none lost', async () => {
    const writer = await start();
    const sink = new JobEventSink(stores.events, new MemoryJobLogStore(), undefined, undefined, writer);
    const first = await Promise.all([1, 2, 3].map((n) => sink.append(progress('wdie', n))));
    expect(first.map((e) => e?.id)).toEqual([1, 2, 3]);
    const racing = [4, 5, 6, 7, 8].map((n) => sink.append(progress('wdie', n)));
    await writer.kill();
    const after = [9, 10].map((n) => sink.append(progress('wdie', n)));
    const rest = await Promise.all([...racing, ...after]);
    expect(rest.every((e) => e !== undefined)).toBe(true);
    await sink.flush('wdie');
    const durable = await stores.events.read('wdie', 0);
    // Every event is there (one the thread stored just before dying may be there twice), ids contiguous.
    const percentages = new Set(durable.map((e) => (e.type === 'progress' ? e.percentage : -1)));
    expect([...percentages].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(durable.map((e) => e.id)).toEqual(Array.from({ length: durable.length }, (_, i) => i + 1));
  });

  it('close() that runs out of time stops the thread; the sink stores what it handed back, none lost', async () => {
    const writer = await start();
    const sink = new JobEventSink(stores.events, new MemoryJobLogStore(), undefined, undefined, writer);
    const all = Array.from({ length: 20 }, (_, i) => sink.append(progress('wlate', i + 1)));
    await writer.close(0);
    expect((await Promise.all(all)).every((e) => e !== undefined)).toBe(true);
    await sink.flush('wlate');
    const percentages = new Set(
      (await stores.events.read('wlate', 0)).map((e) => (e.type === 'progress' ? e.percentage : -1)),
    );
    expect(percentages.size).toBe(20);
  });

  it('a thread that cannot open its connections: start() fails with the reason', async () => {
    await expect(
      ThreadedEventWriter.start({
        databaseUrl: 'postgres://postgres@127.0.0.1:1/none',
        redisUrl: TEST_REDIS_URL,
        redisPrefix: keys.prefix,
        asyncCommit: false,
        startTimeoutMs: 20_000,
      }),
    ).rejects.toThrow(/event writer thread could not start: .*Cannot use the PostgreSQL database/);
  });
});
