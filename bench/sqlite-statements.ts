/**
 * What compiling each SQLite statement once changes (src/state/sqlite/prepared.ts): a store file
 * with 500 jobs, then, in two processes started together per round (one compiling each statement
 * per call, one reusing it), the same 50 000 pairs of reads; per mode (median of the rounds) the
 * growth of glibc's main heap (`[heap]`: what libsql's native statements are allocated from) at its
 * largest and at the end, and the time per pair of reads. The processes run with the malloc
 * settings `reelay serve` gives itself (bin/node-runtime.js).
 *
 * Run: `npx tsx bench/sqlite-statements.ts [rounds]` (default 3). Writes
 * bench/results/sqlite-statements.json (REELAY_BENCH_RESULTS=<name> for another name).
 * docs/memory.md explains the figures.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { nodeRuntimePlan } from '../bin/node-runtime.js';
import { createJobRecord } from '../src/domain/job-record.js';
import { createSqliteStores } from '../src/state/sqlite/sqlite-stores.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const CHILD = join(here, 'lib', 'sqlite-statements-child.ts');
const RESULTS = join(here, 'results', `${process.env.REELAY_BENCH_RESULTS ?? 'sqlite-statements'}.json`);
const rounds = Number(process.argv[2] ?? 3);
const PAIRS = 50_000;

const dir = await mkdtemp(join(tmpdir(), 'reelay-statements-'));
const file = join(dir, 'reelay.db');
const stores = createSqliteStores(file);
const clock = { now: () => Date.now(), setTimeout: () => 0 as never, clearTimeout: () => {} };
for (let i = 0; i < 500; i++) {
  const id = `job-${i}`;
  await stores.jobs.create(
    createJobRecord(
      { id, correlationId: id, request: { brief: `Bench job ${i}: how tides work` }, fallbackPolicy: 'auto' },
      { clock },
    ),
  );
}
await stores.close();

const runtime = nodeRuntimePlan({
  argv: ['serve'],
  env: process.env,
  execArgv: [],
  platform: process.platform,
});
const env = { ...process.env, ...runtime?.env };
const flags = runtime?.flags ?? [];
type Figures = { heapBeforeKb: number; heapPeakKb: number; heapEndKb: number; usPerPair: number };
const byMode: Record<string, Figures[]> = { 'per-call': [], cached: [] };
const load: number[][] = [loadavg()];
for (let r = 0; r < rounds; r++) {
  const outs = await Promise.all(
    Object.keys(byMode).map(async (mode) => {
      const { stdout } = await run(
        process.execPath,
        [...flags, '--import', 'tsx', CHILD, file, mode, String(PAIRS)],
        {
          env,
        },
      );
      return [mode, JSON.parse(stdout.trim().split('\n').pop() as string) as Figures] as const;
    }),
  );
  for (const [mode, figures] of outs) byMode[mode]?.push(figures);
  load.push(loadavg());
}
await rm(dir, { recursive: true, force: true });

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};
const summary = Object.fromEntries(
  Object.entries(byMode).map(([mode, runs]) => [
    mode,
    {
      heapGrowthPeakMb: Math.round(median(runs.map((f) => f.heapPeakKb - f.heapBeforeKb)) / 102.4) / 10,
      heapGrowthEndMb: Math.round(median(runs.map((f) => f.heapEndKb - f.heapBeforeKb)) / 102.4) / 10,
      usPerPairOfReads: Math.round(median(runs.map((f) => f.usPerPair)) * 10) / 10,
      runs,
    },
  ]),
);
const result = {
  date: new Date().toISOString(),
  pairsOfReads: PAIRS,
  rounds,
  nodeFlags: flags,
  mallocEnv: runtime?.env ?? {},
  loadAverage: load.map((l) => l.map((x) => Math.round(x * 100) / 100)),
  summary,
};
await writeFile(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(
  `${JSON.stringify({ ...result, summary: Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, { ...v, runs: undefined }])) }, null, 2)}\n`,
);
