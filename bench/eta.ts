/**
 * ETA benchmark: the offline pipeline (as `npm run demo` drives it, 1080p30 with motion) renders
 * a 60 s video several times on one data directory. The first run only calibrates (it writes
 * `<dataDir>/calibration.json`); on each later run the ETA reported at 25 %, 50 % and 75 % overall
 * progress is compared with the time the job actually still took.
 * Goal: median absolute ETA error ≤ 20 % of the actual remaining time. Writes bench/results/eta.json.
 *
 * Run: `npx tsx bench/eta.ts [--runs N]` (N ≥ 2 jobs in all, the first calibrating; default 3).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SAMPLE_BRIEF } from '../src/cli/sample-brief.js';
import type { StoredEvent } from '../src/domain/events.js';
import { loadStageCalibration } from '../src/pipeline/stage-calibration.js';
import { removeDir, startReelay, tempDir, waitForEnd } from '../test/support/pipeline-harness.js';

const CHECKPOINTS = [25, 50, 75] as const;
const JOB_LIMIT_MS = 10 * 60_000;
const GOAL = 0.2;

interface Sample {
  atPercent: number;
  reportedPercent: number;
  etaSeconds: number;
  actualSeconds: number;
  absError: number;
}

const round = (n: number, d = 3): number => Math.round(n * 10 ** d) / 10 ** d;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** The first progress reading at or past each checkpoint, against the job's real end. */
function samples(events: StoredEvent[]): Sample[] {
  const end = events.find((e) => e.type === 'done');
  if (!end) throw new Error('The job has no done event');
  const endAt = Date.parse(end.timestamp);
  const out: Sample[] = [];
  for (const at of CHECKPOINTS) {
    const e = events.find((x) => x.type === 'progress' && x.percentage >= at && x.etaSeconds !== undefined);
    if (e?.type !== 'progress' || e.etaSeconds === undefined) continue;
    const actual = (endAt - Date.parse(e.timestamp)) / 1000;
    out.push({
      atPercent: at,
      reportedPercent: e.percentage,
      etaSeconds: e.etaSeconds,
      actualSeconds: round(actual, 2),
      absError: round(Math.abs(e.etaSeconds - actual) / Math.max(actual, 1)),
    });
  }
  return out;
}

async function main(): Promise<void> {
  const runsFlag = process.argv.indexOf('--runs');
  const runs = runsFlag >= 0 ? Math.max(2, Number(process.argv[runsFlag + 1]) || 3) : 3;
  const loadAtStart = round(loadavg()[0] ?? 0, 2);
  const dir = await tempDir('reelay-bench-eta-');
  const reelay = await startReelay(dir, { composer: { preset: 'veryfast' } });
  const jobs: { run: number; seconds: number; calibrating: boolean; samples: Sample[] }[] = [];
  try {
    for (let run = 1; run <= runs; run++) {
      const started = performance.now();
      const job = await reelay.service.submit({
        ...SAMPLE_BRIEF,
        durationMinutes: 1,
        options: { ...SAMPLE_BRIEF.options, width: 1920, height: 1080, fps: 30, motion: true },
      });
      const { job: end, events } = await waitForEnd(reelay, job.id, JOB_LIMIT_MS);
      if (end.status !== 'done') throw new Error(`Run ${run}: the job ${end.status}: ${end.message}`);
      const s = samples(events);
      const seconds = round((performance.now() - started) / 1000, 2);
      jobs.push({ run, seconds, calibrating: run === 1, samples: s });
      console.log(`Run ${run}${run === 1 ? ' (calibrating)' : ''}: ${seconds} s`, s);
    }
    const measured = jobs.filter((j) => !j.calibrating).flatMap((j) => j.samples.map((s) => s.absError));
    const medianError = round(median(measured));
    const load = { start: loadAtStart, end: round(loadavg()[0] ?? 0, 2), cpus: cpus().length };
    const result = {
      benchmark: 'eta',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
      loadAverage1m: load,
      video: { width: 1920, height: 1080, fps: 30, durationMinutes: 1, motion: true, preset: 'veryfast' },
      runs,
      calibration: await loadStageCalibration(dir),
      jobs,
      medianAbsEtaError: medianError,
      goal: GOAL,
      goalMet: medianError <= GOAL,
    };
    console.log(`Median absolute ETA error at 25/50/75 %: ${medianError} (goal ≤ ${GOAL})`);
    console.log(`1-minute load ${load.start}→${load.end} on ${load.cpus} CPUs`);
    const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'eta.json');
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`Wrote ${out}`);
  } finally {
    await reelay.close();
    await removeDir(dir);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
