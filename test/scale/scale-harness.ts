/**
 * Helpers for the scale-out tests: containers on one shared data directory (SQLite in WAL mode,
 * shared artifacts) and one Redis key prefix, as separate instances of a Redis deployment.
 */
import type { StoredEvent } from '../../src/domain/events.js';
import type { Reelay } from '../../src/jobs/create-reelay.js';
import type { LocalReelayService } from '../../src/jobs/local-reelay-service.js';
import { startReelay } from '../support/pipeline-harness.js';
import { TEST_REDIS_URL } from '../support/redis-harness.js';

/** The environment of one instance of a Redis deployment under `prefix`. */
export function scaleEnv(prefix: string, concurrency = 1): NodeJS.ProcessEnv {
  return {
    REDIS_URL: TEST_REDIS_URL,
    REELAY_REDIS_PREFIX: prefix,
    REELAY_WORKER_CONCURRENCY: String(concurrency),
    // Benchmarks compare settings (A/B): the caller's choice reaches every instance.
    ...(process.env.REELAY_MEDIA_NICE ? { REELAY_MEDIA_NICE: process.env.REELAY_MEDIA_NICE } : {}),
    ...(process.env.REELAY_SQLITE_SYNC ? { REELAY_SQLITE_SYNC: process.env.REELAY_SQLITE_SYNC } : {}),
    ...(process.env.REELAY_PG_EVENT_COMMIT
      ? { REELAY_PG_EVENT_COMMIT: process.env.REELAY_PG_EVENT_COMMIT }
      : {}),
    ...(process.env.REELAY_EVENT_WRITER ? { REELAY_EVENT_WRITER: process.env.REELAY_EVENT_WRITER } : {}),
    // SCALE_DATABASE_URL: run every instance on one PostgreSQL database instead of the shared SQLite file.
    ...(process.env.SCALE_DATABASE_URL ? { DATABASE_URL: process.env.SCALE_DATABASE_URL } : {}),
  };
}

/** An instance: API only (`worker: false`) or a worker. */
export function startInstance(dataDir: string, prefix: string, worker: boolean): Promise<Reelay> {
  return startReelay(dataDir, { env: scaleEnv(prefix), worker });
}

/**
 * Follows a job's live events on `service` from `afterId` (as an SSE client with Last-Event-ID
 * does) until the terminal event; returns every event received, in arrival order.
 */
export function collectUntilEnd(
  service: LocalReelayService,
  jobId: string,
  afterId: number,
  limitMs: number,
): Promise<StoredEvent[]> {
  return new Promise((resolve, reject) => {
    const got: StoredEvent[] = [];
    const timer = setTimeout(() => {
      sub.dispose();
      reject(
        new Error(
          `no terminal event for ${jobId} within ${limitMs} ms; got ids ${got.map((e) => e.id).join(',')}`,
        ),
      );
    }, limitMs);
    const sub = service.subscribe(
      jobId,
      (event) => {
        got.push(event);
        if (event.type === 'done' || event.type === 'error' || event.type === 'canceled') {
          clearTimeout(timer);
          sub.dispose();
          resolve(got);
        }
      },
      { afterId },
    );
  });
}
