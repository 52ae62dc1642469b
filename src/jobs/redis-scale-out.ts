import type { Redis } from 'ioredis';
import type { ReelayConfig } from '../config/app-config.js';
import type { Logger } from '../domain/logger.js';
import { openRedis, redactRedisUrl, waitForRedis } from '../state/redis/redis-connection.js';
import { RedisKeys } from '../state/redis/redis-keys.js';
import { RedisStreamEventLog } from '../state/redis/redis-stream-event-log.js';
import type { ReelayStores } from '../state/stores.js';
import { BullmqJobQueue } from './bullmq-job-queue.js';
import type { JobRunner } from './job-runner.js';

/** The Redis side of a scale-out deployment (REDIS_URL). */
export interface RedisScaleOut {
  /** The durable stores with the event log copied to per-job Redis Streams. */
  stores: ReelayStores;
  keys: RedisKeys;
  /** The command connection (router state, streams). */
  redis: Redis;
  /** The BullMQ queue, wired to `runner` (which runs the jobs this process takes). */
  queue(runner: JobRunner, concurrency: number): BullmqJobQueue;
}

/**
 * Connects to Redis for scale-out: job events go to the durable log and to a Redis Stream per job
 * (so any API instance streams any job live), and jobs go through a BullMQ queue.
 */
export async function openRedisScaleOut(
  config: ReelayConfig,
  durable: ReelayStores,
  logger: Logger,
): Promise<RedisScaleOut> {
  const url = config.redisUrl ?? '';
  const keys = new RedisKeys(config.redisPrefix);
  const redis = openRedis(url);
  redis.on('error', (err: Error) =>
    logger.warn({ tag: 'REDIS_ERROR', redis: redactRedisUrl(url), message: err.message }, 'Redis error'),
  );
  await waitForRedis(redis, 10_000).catch((err: unknown) =>
    logger.warn(
      { tag: 'REDIS_UNREACHABLE', redis: redactRedisUrl(url), err },
      'Redis is not reachable yet; events stay in the durable log until it is',
    ),
  );
  const events = new RedisStreamEventLog({
    durable: durable.events,
    redis,
    keys,
    onError: (err) =>
      logger.warn({ tag: 'EVENT_STREAM_WRITE_FAILED', err }, 'Could not copy an event to Redis'),
  });
  const stores: ReelayStores = {
    jobs: durable.jobs,
    checkpoints: durable.checkpoints,
    jobLogs: durable.jobLogs,
    audit: durable.audit,
    ...(durable.attempts ? { attempts: durable.attempts } : {}),
    events,
    ...(durable.warmUp ? { warmUp: () => durable.warmUp!() } : {}),
    close: async () => {
      // Stream copies still in flight reach Redis before the connection goes.
      await events.settled();
      events.close();
      redis.disconnect();
      await durable.close();
    },
  };
  return {
    stores,
    keys,
    redis,
    queue: (runner, concurrency) => new BullmqJobQueue({ redisUrl: url, keys, runner, concurrency, logger }),
  };
}
