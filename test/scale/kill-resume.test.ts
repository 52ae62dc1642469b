/**
 * Two API instances and two worker processes on loopback, one Redis prefix, one shared data
 * directory: `kill -9` the worker holding a job mid-render; the other worker resumes it from its
 * last verified checkpoint within 10 s, the job completes exactly once, and the SSE client that
 * resumes on the other API instance sees contiguous ids and one terminal event.
 * (bench/scale.ts repeats the round 20 times.)
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reelay } from '../../src/jobs/create-reelay.js';
import { RedisKeys } from '../../src/state/redis/redis-keys.js';
import { removeDir, tempDir } from '../support/pipeline-harness.js';
import { connectRedis, dropKeys, redisUnavailable } from '../support/redis-harness.js';
import { killAndResume } from './kill-resume.js';
import { startInstance } from './scale-harness.js';
import { startWorkerProcess, type WorkerProcess } from './worker-cluster.js';

const skip = (await redisUnavailable('the kill-and-resume scale-out test')) !== null;
const ROUNDS = 1;

describe.skipIf(skip)('kill -9 a worker mid-render', () => {
  let dir: string;
  const prefix = `reelay-test:${process.pid}:${randomUUID().slice(0, 8)}:`;
  let apiA: Reelay;
  let apiB: Reelay;
  let workers: WorkerProcess[] = [];

  beforeAll(async () => {
    dir = await tempDir('reelay-kill-');
    apiA = await startInstance(dir, prefix, false);
    apiB = await startInstance(dir, prefix, false);
    workers = await Promise.all([
      startWorkerProcess('w1', dir, prefix),
      startWorkerProcess('w2', dir, prefix),
    ]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await apiA?.close();
    await apiB?.close();
    const redis = await connectRedis();
    await dropKeys(redis, new RedisKeys(prefix));
    await dropKeys(redis, new RedisKeys(`bull:${new RedisKeys(prefix).jobQueue()}:`));
    redis.disconnect();
    await removeDir(dir);
  });

  it(`resumes on the other worker within 10 s, completes once, SSE contiguous across API instances (${ROUNDS} rounds)`, async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const result = await killAndResume(apiA, apiB, workers);
      expect(result.resumeMs).toBeLessThanOrEqual(10_000);
      const ids = result.events.map((e) => e.id);
      expect(ids).toEqual(ids.map((_, i) => i + 1));
      const terminal = result.events.filter((e) => ['done', 'error', 'canceled'].includes(e.type));
      expect(terminal.map((e) => e.type)).toEqual(['done']);
      const job = await apiA.service.getJob(result.jobId);
      expect(job?.status).toBe('done');
      expect(job?.attempts).toBe(2);
      const stored = await apiA.service.readEvents(result.jobId, 0);
      expect(stored.filter((e) => e.type === 'done')).toHaveLength(1);
      const replacement = await startWorkerProcess(`w${round + 3}`, dir, prefix);
      workers = [...workers.filter((w) => w !== result.killed), replacement];
    }
  }, 400_000);
});
