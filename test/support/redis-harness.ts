import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import {
  DEFAULT_REDIS_URL,
  openRedis,
  redactRedisUrl,
  waitForRedis,
} from '../../src/state/redis/redis-connection.js';
import { RedisKeys } from '../../src/state/redis/redis-keys.js';

/** The Redis the tests use: `REDIS_URL`, or the local default. */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;

/**
 * Null when Redis answers; otherwise the reason. Outside CI the caller skips loudly; with CI=true
 * an unreachable Redis fails the run.
 */
export async function redisUnavailable(suite: string): Promise<string | null> {
  const probe = openRedis(TEST_REDIS_URL, { retryStrategy: () => null, lazyConnect: true });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await waitForRedis(probe, 2_000);
    await probe.ping();
    return null;
  } catch (error) {
    const line = `Redis at ${redactRedisUrl(TEST_REDIS_URL)} is unreachable (${error instanceof Error ? error.message : String(error)})`;
    if (process.env.CI === 'true') throw new Error(`${line}; CI=true requires it. Set REDIS_URL.`);
    console.warn(`\n!!!!!!!!\n!!! SKIPPING ${suite}: ${line}.\n!!! Set REDIS_URL to run them.\n!!!!!!!!\n`);
    return line;
  } finally {
    probe.disconnect();
  }
}

/** A unique key prefix for one test, so that parallel runs never share keys. */
export function testKeys(): RedisKeys {
  return new RedisKeys(`reelay-test:${process.pid}:${randomUUID().slice(0, 8)}:`);
}

/** Opens a connection and waits until it is ready. */
export async function connectRedis(): Promise<Redis> {
  const redis = openRedis(TEST_REDIS_URL);
  redis.on('error', () => {});
  await waitForRedis(redis, 5_000);
  return redis;
}

/** Deletes every key under `keys.prefix`. */
export async function dropKeys(redis: Redis, keys: RedisKeys): Promise<void> {
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${keys.prefix}*`, 'COUNT', 500);
    cursor = next;
    if (batch.length > 0) await redis.del(...batch);
  } while (cursor !== '0');
}

/**
 * Registers the usual lifecycle of a Redis test file: a connection and a fresh key prefix before
 * all tests (handed to `use`), the prefix's keys dropped and the connection closed after them.
 */
export function useRedisWithKeys(use: (redis: Redis, keys: RedisKeys) => void): void {
  let redis: Redis | undefined;
  let keys: RedisKeys | undefined;
  beforeAll(async () => {
    redis = await connectRedis();
    keys = testKeys();
    use(redis, keys);
  });
  afterAll(async () => {
    if (redis && keys) await dropKeys(redis, keys);
    redis?.disconnect();
  });
}
