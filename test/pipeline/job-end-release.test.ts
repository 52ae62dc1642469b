/**
 * What a long-running process keeps per job is released when the job ends here: the routing kit's
 * in-process failure history (the store keeps it for a worker that resumes the job elsewhere).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reelay } from '../../src/jobs/create-reelay.js';
import { removeDir, smallRequest, startReelay, tempDir } from '../support/pipeline-harness.js';

describe('per-job state at job end', () => {
  let dir: string;
  let reelay: Reelay;
  beforeAll(async () => {
    dir = await tempDir('reelay-job-end-');
    reelay = await startReelay(dir, { worker: false });
  });
  afterAll(async () => {
    await reelay?.close();
    await removeDir(dir);
  });

  it('a canceled job leaves nothing in the failure history of the process; the store keeps it', async () => {
    const jobs = [];
    for (let i = 0; i < 5; i++) jobs.push(await reelay.service.submit(smallRequest()));
    for (const job of jobs) {
      await reelay.kit.failures.load(job.id);
      reelay.kit.failures.recordFailure(job.id, 'script', 'ollama', 'timeout');
    }
    await reelay.kit.failures.flush();
    expect(reelay.kit.failures.size).toEqual({ jobs: 5, loaded: 5 });
    for (const job of jobs) await reelay.runner.cancel(job.id, 'test');
    expect(reelay.kit.failures.size).toEqual({ jobs: 0, loaded: 0 });
    const first = jobs[0]?.id ?? '';
    await reelay.kit.failures.load(first);
    expect(reelay.kit.failures.failedProviders(first)).toEqual(['ollama']);
  });
});
