/**
 * The job event writer's thread (a `worker_threads` entry, started by {@link ThreadedEventWriter}):
 * it owns its own PostgreSQL pool and Redis connection and runs a {@link JobEventSink} over the
 * PostgreSQL event log with its Redis Stream copies — the same per-job queues, batches, fallback
 * and order as in the main thread — so an event's way from its emission to the stream no longer
 * waits for the worker's main event loop, busy with the pipeline. Messages: see
 * `event-writer-protocol.ts`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Logger } from '../domain/logger.js';
import type { JobLogStore } from '../state/job-log-store.js';
import { openPostgres } from '../state/postgres/open-postgres.js';
import { PostgresEventLog } from '../state/postgres/postgres-event-log.js';
import { openRedis, waitForRedis } from '../state/redis/redis-connection.js';
import { RedisKeys } from '../state/redis/redis-keys.js';
import { RedisStreamEventLog } from '../state/redis/redis-stream-event-log.js';
import type { EventWriterSettings, FromWriter, ToWriter } from './event-writer-protocol.js';
import { JobEventSink } from './job-event-sink.js';

const port = parentPort;
if (!port) throw new Error('event-writer-thread runs as a worker thread');
const settings = workerData as EventWriterSettings;
const post = (message: FromWriter): void => port.postMessage(message);

/** Log lines go to the main thread's logger (tag and error text only: no event data). */
const relay =
  (level: 'warn' | 'error') =>
  (fields: unknown, message?: string): void => {
    const f = (typeof fields === 'object' && fields !== null ? fields : {}) as Record<string, unknown>;
    const err = f.err instanceof Error ? f.err.message : f.err === undefined ? undefined : String(f.err);
    post({
      t: 'log',
      level,
      message: message ?? String(fields),
      ...(typeof f.tag === 'string' ? { tag: f.tag } : {}),
      ...(err === undefined ? {} : { error: err }),
    });
  };
const quiet = (): void => {};
const logger = { debug: quiet, info: quiet, warn: relay('warn'), error: relay('error') } as unknown as Logger;
/** The thread writes events only; job log lines stay with the main thread. */
const noLogs = { append: async () => {}, read: async () => [] } as unknown as JobLogStore;

try {
  const db = await openPostgres(settings.databaseUrl, {
    ...(settings.schema ? { schema: settings.schema } : {}),
    maxConnections: 4,
    minConnections: 2,
  });
  const redis = openRedis(settings.redisUrl);
  redis.on('error', () => {});
  await waitForRedis(redis, 10_000).catch(() => {
    // Not reachable yet: the stream copies fail (reported) until it is; the durable log has them.
  });
  const durable = new PostgresEventLog(db, () => {}, {
    notify: false,
    asyncCommit: settings.asyncCommit,
  });
  const events = new RedisStreamEventLog({
    durable,
    redis,
    keys: new RedisKeys(settings.redisPrefix),
    onError: (err) =>
      logger.warn({ tag: 'EVENT_STREAM_WRITE_FAILED', err }, 'Could not copy an event to Redis'),
  });
  const sink = new JobEventSink(events, noLogs, undefined, logger);
  const jobs = new Set<string>();
  port.on('message', (message: ToWriter) => {
    if (message.t === 'append') {
      jobs.add(message.event.jobId);
      void sink.append(message.event).then(
        (stored) => post({ t: 'stored', seq: message.seq, stored: stored ?? null }),
        () => post({ t: 'stored', seq: message.seq, stored: null }),
      );
      return;
    }
    // close: what was posted before is stored and its stream copies sent, then the connections go.
    void (async () => {
      for (const jobId of jobs) await sink.flush(jobId);
      await events.settled();
      events.close();
      redis.disconnect();
      await db.close();
      post({ t: 'closed' });
      port.close();
    })();
  });
  post({ t: 'ready' });
} catch (error) {
  post({ t: 'startFailed', message: error instanceof Error ? error.message : String(error) });
  port.close();
}
