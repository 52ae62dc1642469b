/**
 * Redis crashes mid-job and comes back (a private redis-server with AOF, so the shared test Redis
 * is never touched): the job continues or resumes and completes once, and the API instance's live
 * event stream stays contiguous with exactly one terminal event.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reelay } from '../../src/jobs/create-reelay.js';
import { removeDir, smallRequest, startReelay, tempDir, waitForEvent } from '../support/pipeline-harness.js';
import { hasRedisServer, type PrivateRedis, startPrivateRedis } from './private-redis.js';
import { collectUntilEnd } from './scale-harness.js';

const present = hasRedisServer();
if (!present) {
  if (process.env.CI === 'true') throw new Error('redis-server is not installed; CI=true requires it');
  console.warn('\n!!! SKIPPING the Redis restart test: no redis-server binary on the PATH.\n');
}

describe.skipIf(!present)('Redis restarted mid-job', () => {
  let dir: string;
  let redisDir: string;
  let redis: PrivateRedis;
  let api: Reelay;
  let worker: Reelay;

  beforeAll(async () => {
    dir = await tempDir('reelay-redis-restart-');
    redisDir = await tempDir('reelay-redis-aof-');
    redis = await startPrivateRedis(redisDir);
    const env = { REDIS_URL: redis.url, REELAY_REDIS_PREFIX: `reelay-restart:${randomUUID().slice(0, 8)}:` };
    api = await startReelay(dir, { env, worker: false });
    worker = await startReelay(dir, { env, worker: true });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await worker?.close();
    await redis?.stop();
    await removeDir(dir);
    await removeDir(redisDir);
  });

  it('a job survives a Redis crash and restart: done once, contiguous events, one terminal', async () => {
    const job = await api.service.submit(smallRequest());
    await waitForEvent(api.service, job.id, (e) => e.type === 'job-started', 'job-started', 60_000);
    const live = collectUntilEnd(api.service, job.id, 0, 150_000);
    await redis.crash();
    // A short outage: long enough for every connection to notice, shorter than a lease.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await redis.start();
    const events = await live;
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    const terminal = events.filter((e) => ['done', 'error', 'canceled'].includes(e.type));
    expect(terminal.map((e) => e.type)).toEqual(['done']);
    expect(events.at(-1)?.type).toBe('done');
    const record = await api.service.getJob(job.id);
    expect(record?.status).toBe('done');
    expect(record?.attempts).toBeLessThanOrEqual(2);
    console.info(
      `redis restart: job ${job.id} done after ${record?.attempts} attempt(s), ${events.length} events`,
    );
  }, 180_000);
});
