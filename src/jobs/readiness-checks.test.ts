import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createMemoryStores } from '../state/memory/memory-stores.js';
import type { JobRunner } from './job-runner.js';
import { checkReadiness } from './readiness-checks.js';

const runner = { activeJobs: () => ['job_1'] } as unknown as JobRunner;

describe('checkReadiness', () => {
  it('is ready when the store answers, the disk has room and FFmpeg is installed', async () => {
    const report = await checkReadiness({
      stores: createMemoryStores(),
      dataDir: tmpdir(),
      runner,
      worker: true,
    });
    expect(report.ready).toBe(true);
    expect(Object.keys(report.checks).sort()).toEqual(['disk', 'ffmpeg', 'queue', 'store']);
    expect(report.checks.queue?.message).toBe('worker running 1 job(s)');
  });

  it('is not ready, and says why, when the store fails or the data directory is missing', async () => {
    const stores = createMemoryStores();
    stores.jobs.list = async () => {
      throw new Error('connection refused');
    };
    const report = await checkReadiness({ stores, dataDir: '/nonexistent/reelay', runner, worker: false });
    expect(report.ready).toBe(false);
    expect(report.checks.store).toEqual({ ok: false, message: 'connection refused' });
    expect(report.checks.disk?.ok).toBe(false);
    expect(report.checks.queue?.message).toBe('no worker in this process (API only)');
  });
});
