/**
 * What capping V8's young generation changes: runs bench/lib/young-generation-child.ts (steady
 * load, a burst of a fixed amount of allocation, steady load again) in processes started together,
 * one per setting, `rounds` times, and reports per setting (median) the largest young generation,
 * RSS before the burst and 30 s after it, and the burst's CPU time: the cost of a smaller young
 * generation is more, smaller scavenges, so the same work costs more CPU if the cap hurts.
 *
 * Run: `npx tsx bench/young-generation.ts [rounds]` (default 3). Writes
 * bench/results/young-generation.json. docs/memory.md explains the figures.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const CHILD = join(here, 'lib', 'young-generation-child.ts');
const RESULTS = join(here, 'results', 'young-generation.json');
const rounds = Number(process.argv[2] ?? 3);
const SETTINGS: Record<string, string[]> = {
  'node default': [],
  '--max-semi-space-size=8': ['--max-semi-space-size=8'],
  '--max-semi-space-size=4 (reelay serve/worker)': ['--max-semi-space-size=4'],
};

type Figures = Record<string, number>;
const byName: Record<string, Figures[]> = {};
const load: number[][] = [loadavg()];
for (let r = 0; r < rounds; r++) {
  const outs = await Promise.all(
    Object.entries(SETTINGS).map(async ([name, flags]) => {
      const { stdout } = await run(process.execPath, [...flags, '--import', 'tsx', CHILD]);
      return [name, JSON.parse(stdout.trim().split('\n').pop() as string) as Figures] as const;
    }),
  );
  for (const [name, figures] of outs) {
    byName[name] = [...(byName[name] ?? []), figures];
  }
  process.stdout.write(`round ${r + 1}: ${JSON.stringify(Object.fromEntries(outs))}\n`);
}
load.push(loadavg());
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const summary = Object.fromEntries(
  Object.entries(byName).map(([name, runs]) => [
    name,
    Object.fromEntries(
      Object.keys(runs[0] as Figures).map((k) => [k, median(runs.map((x) => x[k] as number))]),
    ),
  ]),
);
const result = {
  date: new Date().toISOString(),
  node: process.version,
  rounds,
  note: 'medians over the rounds; the settings of one round ran at the same time',
  loadAverage: {
    start: load[0]?.map((l) => Math.round(l * 100) / 100),
    end: load[1]?.map((l) => Math.round(l * 100) / 100),
  },
  summary,
  runs: byName,
};
await mkdir(dirname(RESULTS), { recursive: true });
await writeFile(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify({ ...result, runs: undefined }, null, 2)}\n`);
