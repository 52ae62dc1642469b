import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { ReelayConfig } from '../config/app-config.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import type { BulkheadSettings } from '../resilience/bulkhead.js';
import { BulkheadRegistry } from '../resilience/bulkhead-registry.js';
import { RateLimiter, type RateLimitSettings } from '../resilience/rate-limiter.js';
import type { RedisKeys } from '../state/redis/redis-keys.js';
import { RedisLearnedLimitStore } from '../state/redis/redis-learned-limit-store.js';
import { RedisRateWindowStore } from '../state/redis/redis-rate-window-store.js';
import { RedisSemaphoreStore } from '../state/redis/redis-semaphore-store.js';

/** The rate limiter and bulkheads built from the configuration. */
export interface ProviderLimits {
  rateLimiter: RateLimiter;
  bulkheads: BulkheadRegistry;
}

/**
 * Builds the proactive rate limiter (counted in Redis when `REDIS_URL` is set, so every instance
 * shares one window per provider and key and the `remaining` counts learned from provider
 * headers; in process otherwise) and the per-provider bulkheads
 * from `providers.<id>.rateLimit` / `.bulkhead`. With Redis, a bulkhead's `maxConcurrent` holds
 * across every instance (leases in a Redis semaphore that lapse when an instance dies,
 * `resilience/shared-bulkhead.ts`); its queue stays per instance.
 */
export function createProviderLimits(
  config: Pick<ReelayConfig, 'providers'>,
  options: {
    clock: Clock;
    logger: Logger;
    /** Key id per provider id (`keyIdOf`), so each key has its own window. */
    keyIds: Readonly<Record<string, string>>;
    redis?: { connection: Redis; keys: RedisKeys };
    /** Lease TTL of shared bulkheads (Redis only): a crashed instance's slots free after it. @default 30000 */
    bulkheadLeaseTtlMs?: number;
  },
): ProviderLimits {
  const limits: Record<string, RateLimitSettings> = {};
  const bulkheads: Record<string, Partial<BulkheadSettings> | false> = {};
  for (const [id, settings] of Object.entries(config.providers)) {
    const keyId = options.keyIds[id];
    if (settings.rateLimit) limits[id] = { ...settings.rateLimit, ...(keyId ? { keyId } : {}) };
    if (settings.bulkhead !== undefined) bulkheads[id] = settings.bulkhead;
  }
  const rateLimiter = new RateLimiter({
    limits,
    clock: options.clock,
    logger: options.logger,
    ...(options.redis
      ? {
          store: new RedisRateWindowStore(options.redis.connection, options.redis.keys),
          learned: new RedisLearnedLimitStore(options.redis.connection, options.redis.keys),
        }
      : {}),
  });
  const shared = options.redis
    ? {
        store: new RedisSemaphoreStore(options.redis.connection, options.redis.keys),
        holder: `${hostname()}:${process.pid}`,
        logger: options.logger,
        ...(options.bulkheadLeaseTtlMs === undefined ? {} : { leaseTtlMs: options.bulkheadLeaseTtlMs }),
      }
    : undefined;
  return {
    rateLimiter,
    bulkheads: new BulkheadRegistry({
      settings: bulkheads,
      clock: options.clock,
      ...(shared ? { shared } : {}),
    }),
  };
}
