import { join } from 'node:path';
import type { ReelayConfig } from '../config/app-config.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import { createPostgresStores } from '../state/postgres/postgres-stores.js';
import { createSqliteStores } from '../state/sqlite/sqlite-stores.js';
import type { ReelayStores } from '../state/stores.js';
import { openRedisScaleOut, type RedisScaleOut } from './redis-scale-out.js';

/** The stores a container runs on, and the Redis scale-out when `REDIS_URL` is set. */
export interface OpenedStores {
  stores: ReelayStores;
  scaleOut: RedisScaleOut | undefined;
  /** Whether other processes may write to the same stores (live events also read from the log). */
  sharedStore: boolean;
}

/**
 * Opens the container's stores: the given ones, else PostgreSQL with `DATABASE_URL` (listening
 * for other processes' events unless Redis carries them), else SQLite under the data directory;
 * with `REDIS_URL` they are wrapped by the Redis scale-out (queue, job streams, shared state).
 */
export async function openReelayStores(
  config: ReelayConfig,
  given: { stores?: ReelayStores | undefined; sharedStore?: boolean | undefined },
  deps: { clock: Clock; logger: Logger },
): Promise<OpenedStores> {
  const { clock, logger } = deps;
  const durableStores =
    given.stores ??
    (config.databaseUrl
      ? await createPostgresStores(config.databaseUrl, {
          clock,
          // Without Redis, other processes' events and new jobs arrive by LISTEN/NOTIFY.
          listen: !config.redisUrl,
          // With Redis, live events travel on its streams: an append need not notify at commit.
          notifyEvents: !config.redisUrl,
          asyncEventCommit: config.postgresEventCommit === 'async',
          onListenError: (err) =>
            logger.warn({ tag: 'PG_LISTEN_FAILED', err }, 'PostgreSQL LISTEN connection failed; polling'),
        })
      : createSqliteStores(join(config.dataDir, 'reelay.db'), {
          clock,
          ...(config.sqliteSynchronous ? { synchronous: config.sqliteSynchronous } : {}),
        }));
  const scaleOut = config.redisUrl ? await openRedisScaleOut(config, durableStores, logger) : undefined;
  const stores = scaleOut?.stores ?? durableStores;
  // SQLite too: another process on the same file (`reelay decide`, `reelay worker`) is a writer.
  const sharedStore = given.sharedStore ?? (scaleOut !== undefined || given.stores === undefined);
  return { stores, scaleOut, sharedStore };
}
