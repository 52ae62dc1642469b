import { statfs } from 'node:fs/promises';
import { detectFfmpeg } from '../providers/media/ffmpeg-info.js';
import type { ReelayStores } from '../state/stores.js';
import type { StateHealthReport } from '../state/tiers/tier-health.js';
import type { JobRunner } from './job-runner.js';
import type { ReadinessReport } from './reelay-service.js';

/** What {@link checkReadiness} probes. */
export interface ReadinessDeps {
  stores: ReelayStores;
  dataDir: string;
  runner: JobRunner;
  /** True when this process runs a worker. */
  worker: boolean;
  /** The router's state tiers: degraded (Redis down) is reported but still ready; critical is not. */
  routerState?: { health(): Promise<StateHealthReport> };
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
    check('state', async () => {
      if (!deps.routerState) return '';
      const report = await deps.routerState.health();
      const l2 = report.tiers.find((t) => t.tier === 'l2');
      if (report.verdict === 'critical') throw new Error('the durable router-state store is unreachable');
      if (report.mode === 'degraded')
        return `degraded: Redis unreachable (${l2?.error ?? 'no answer'}); serving from L1 + the durable store`;
      return report.mode === 'shared' ? 'shared through Redis' : 'in-process + durable store (no Redis)';
    }),
    check('queue', async () =>
      deps.worker
        ? `worker running ${deps.runner.activeJobs().length} job(s)`
        : 'no worker in this process (API only)',
    ),
  ]);
  // Without router-state tiers (library use, tests) there is nothing to report.
  if (!deps.routerState) delete checks.state;
  return { ready: Object.values(checks).every((c) => c.ok), checks };
}
