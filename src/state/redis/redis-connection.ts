import { Redis, type RedisOptions } from 'ioredis';

/** The Redis URL used when `REDIS_URL` is not set (tests and benchmarks). */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** Replaces the password (and user) of a Redis URL, so that it can appear in logs and errors. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '' || parsed.username !== '') {
      parsed.username = parsed.username === '' ? '' : '***';
      parsed.password = parsed.password === '' ? '' : '***';
    }
    return parsed.toString();
  } catch {
    return '<unparseable Redis URL>';
  }
}

/**
 * Opens a Redis connection that fails commands quickly while Redis is unreachable (instead of
 * queueing them for ever) and keeps reconnecting in the background, so that callers can degrade
 * to their other tiers and recover by themselves when Redis returns.
 */
export function openRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(100 * attempt, 2_000),
    lazyConnect: false,
    ...options,
  });
}

/**
 * Resolves once `redis` is connected, or rejects after `timeoutMs` (the connection keeps trying
 * in the background either way).
 */
export function waitForRedis(redis: Redis, timeoutMs = 2_000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis did not become ready within ${timeoutMs} ms (status ${redis.status})`));
    }, timeoutMs);
    timer.unref();
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}

/**
 * Subscribes `subscriber` to `channel`, waiting at most `timeoutMs`: while Redis is down the
 * subscription completes by itself once it is back (ioredis resubscribes on reconnect), and the
 * caller must not hang on it at start-up.
 */
export async function subscribeWithin(subscriber: Redis, channel: string, timeoutMs = 2_000): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    timer.unref();
  });
  await Promise.race([subscriber.subscribe(channel).catch(() => undefined), waited]);
  clearTimeout(timer);
}
