/**
 * Scale-out on Redis inside one test process: an API-only instance and a worker instance share
 * a data directory and a Redis key prefix. Jobs go through BullMQ, events through Redis Streams,
 * cancellation through pub/sub; Idempotency-Key gives the same job on either instance.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reelay } from '../../src/jobs/create-reelay.js';
import { RedisKeys } from '../../src/state/redis/redis-keys.js';
import { removeDir, smallRequest, tempDir, waitForEvent } from '../support/pipeline-harness.js';
import { connectRedis, dropKeys, redisUnavailable } from '../support/redis-harness.js';
import { collectUntilEnd, startInstance } from './scale-harness.js';

const skip = (await redisUnavailable('the Redis scale-out tests')) !== null;

describe.skipIf(skip)('scale-out on Redis (BullMQ, Redis Streams, pub/sub)', () => {
  let dir: string;
  const prefix = `reelay-test:${process.pid}:${randomUUID().slice(0, 8)}:`;
  let api: Reelay;
  let worker: Reelay;

  beforeAll(async () => {
    dir = await tempDir('reelay-scale-');
    api = await startInstance(dir, prefix, false);
    worker = await startInstance(dir, prefix, true);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.close();
    const redis = await connectRedis();
    await dropKeys(redis, new RedisKeys(prefix));
    await dropKeys(redis, new RedisKeys(`bull:${new RedisKeys(prefix).jobQueue()}:`));
    redis.disconnect();
    await removeDir(dir);
  });

  it('a job submitted on the API instance runs on the worker; its live events reach the API instance, contiguous, one terminal', async () => {
    const key = randomUUID();
    const job = await api.service.submit(smallRequest(), { idempotencyKey: key });
    const live = collectUntilEnd(api.service, job.id, 0, 90_000);
    const again = await worker.service.submit(smallRequest(), { idempotencyKey: key });
    expect(again.id).toBe(job.id);
    const events = await live;
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => ['done', 'error', 'canceled'].includes(e.type)).map((e) => e.type)).toEqual([
      'done',
    ]);
    const record = await api.service.getJob(job.id);
    expect(record?.status).toBe('done');
    expect(record?.attempts).toBe(1);
    await expect(
      api.service.submit(smallRequest({ brief: `${smallRequest().brief} Different.` }), {
        idempotencyKey: key,
      }),
    ).rejects.toMatchObject({
      code: 'REELAY_ERR_CONFLICT',
    });
  }, 120_000);

  it('a cancel on the API instance stops the job on the worker through pub/sub', async () => {
    const job = await api.service.submit(smallRequest({ durationMinutes: 0.4, options: { motion: true } }));
    await waitForEvent(api.service, job.id, (e) => e.type === 'job-started', 'job-started', 60_000);
    expect(worker.runner.activeJobs()).toContain(job.id);
    const started = performance.now();
    await api.service.cancel(job.id, 'test cancel');
    await expect
      .poll(() => worker.runner.activeJobs().includes(job.id), { timeout: 5_000, interval: 20 })
      .toBe(false);
    // Well before the lease renewal (a third of the 6 s lease) could have noticed it.
    expect(performance.now() - started).toBeLessThan(1_900);
    expect((await api.service.getJob(job.id))?.status).toBe('canceled');
  }, 120_000);
});
