import type { ReelayConfig } from '../config/app-config.js';
import type { Logger } from '../domain/logger.js';
import { ThreadedEventWriter } from './threaded-event-writer.js';

/**
 * Starts the job event writer thread for a process that runs a worker on PostgreSQL and Redis
 * (unless `REELAY_EVENT_WRITER=main`, or the stores were given). Returns `undefined` when it is not
 * wanted, or when it could not start (logged): events are then written on the main thread.
 */
export async function openEventWriter(
  config: ReelayConfig,
  use: { worker: boolean; givenStores: boolean },
  logger: Logger,
): Promise<ThreadedEventWriter | undefined> {
  if (!use.worker || use.givenStores || config.eventWriter === 'main') return undefined;
  if (!config.databaseUrl || !config.redisUrl) return undefined;
  try {
    const writer = await ThreadedEventWriter.start({
      databaseUrl: config.databaseUrl,
      redisUrl: config.redisUrl,
      redisPrefix: config.redisPrefix,
      asyncCommit: config.postgresEventCommit === 'async',
      logger,
    });
    logger.info({ tag: 'EVENT_WRITER_THREAD' }, 'Job events are written on the event writer thread');
    return writer;
  } catch (err) {
    logger.warn(
      { tag: 'EVENT_WRITER_UNAVAILABLE', err },
      'The event writer thread did not start; job events are written on the main thread',
    );
    return undefined;
  }
}
