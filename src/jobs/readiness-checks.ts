import { statfs } from 'node:fs/promises';
import { detectFfmpeg } from '../providers/media/ffmpeg-info.js';
import type { ReelayStores } from '../state/stores.js';
import type { JobRunner } from './job-runner.js';
import type { ReadinessReport } from './reelay-service.js';

/** What {@link checkReadiness} probes. */
export interface ReadinessDeps {
  stores: ReelayStores;
  dataDir: string;
  runner: JobRunner;
  /** True when this process runs a worker. */
  worker: boolean;
}

/** Readiness probes: the store answers, the data directory has ≥ 200 MB free, FFmpeg is there, the queue state. */
export async function checkReadiness(deps: ReadinessDeps): Promise<ReadinessReport> {
  const checks: ReadinessReport['checks'] = {};
  const check = async (name: string, fn: () => Promise<string>): Promise<void> => {
    try {
      checks[name] = { ok: true, message: await fn() };
    } catch (error) {
      checks[name] = { ok: false, message: (error as Error).message };
    }
  };
  await Promise.all([
    check('store', async () => {
      await deps.stores.jobs.list({ limit: 1 });
      return 'reachable';
    }),
    check('disk', async () => {
      const fs = await statfs(deps.dataDir);
      const free = fs.bavail * fs.bsize;
      if (free < 200 * 1024 * 1024)
        throw new Error(`only ${Math.round(free / 1048576)} MB free in ${deps.dataDir}`);
      return `${Math.round(free / 1048576)} MB free`;
    }),
    check('ffmpeg', async () => `FFmpeg ${(await detectFfmpeg()).ffmpegVersion}`),
    check('queue', async () =>
      deps.worker
        ? `worker running ${deps.runner.activeJobs().length} job(s)`
        : 'no worker in this process (API only)',
    ),
  ]);
  return { ready: Object.values(checks).every((c) => c.ok), checks };
}
