/**
 * Router-call overhead benchmark: CPU (and wall) µs per call of `router.run` — a routing kit made
 * by `createRoutingKit` with its default stores, the real performance tracker recording every
 * call, the provider preferred, around a no-op — against the no-op called directly (the
 * pass-through baseline) in the same process, in alternating rounds. Variants (see
 * bench/lib/router-overhead-child.ts): `router`, `router-no-tracker` (the tracker's share is the
 * difference), `router-30d` (a tracker holding 30 days of history).
 *
 * Each measurement runs in a child process of its own (one variant per process: measuring several
 * in one process lets the JIT specialise shared code for the mix, docs/call-pipeline-performance.md).
 * `--baseline DIR` measures DIR's src/ too (e.g. a copy of main: `git archive main | tar -x -C DIR`
 * and `cp -al node_modules DIR/`), interleaved with this tree process by process, in alternating
 * order; the load average is recorded before each process.
 *
 * Run: `npx node --import tsx bench/router-overhead.ts [--processes N] [--iterations N]
 *   [--rounds N] [--variants a,b] [--baseline DIR] [--out NAME]`
 * Writes bench/results/<NAME, default router-overhead>.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const here = resolve(dirname(self), '..');
const argOf = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
};
const PROCESSES = Number(argOf('processes') ?? 3);
const ITERATIONS = Number(argOf('iterations') ?? 20_000);
const ROUNDS = Number(argOf('rounds') ?? 5);
const WARM_UP = 50_000;
const VARIANTS = (argOf('variants') ?? 'router,router-no-tracker,router-30d').split(',');
const baselineDir = argOf('baseline');
const outName = argOf('out') ?? 'router-overhead';
const trees: Array<{ name: string; root: string }> = [{ name: 'this', root: here }];
if (baselineDir) trees.push({ name: 'baseline', root: resolve(baselineDir) });

interface Timing {
  wall: number;
  cpu: number;
}
interface ChildResult {
  variant: string;
  node: string;
  direct: Timing[];
  routed: Timing[];
  buckets: number;
  recordedCalls: number;
}
/** One process's figures: medians of its rounds. */
interface Run {
  load1m: number;
  directCpuUs: number;
  routerCpuUs: number;
  cpuOverheadUs: number;
  wallOverheadUs: number;
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const r3 = (x: number): number => Number(x.toFixed(3));
const load = (): number => Number((loadavg()[0] ?? 0).toFixed(2));

function measure(root: string, variant: string): Run & { node: string } {
  const load1m = load();
  const child = join(here, 'bench', 'lib', 'router-overhead-child.ts');
  const args = ['--import', 'tsx', child, root, variant, String(ITERATIONS), String(ROUNDS), String(WARM_UP)];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: here });
  if (run.status !== 0) throw new Error(`${variant} in ${root} failed: ${run.stderr}`);
  const out = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as ChildResult;
  const directCpuUs = median(out.direct.map((t) => t.cpu));
  const routerCpuUs = median(out.routed.map((t) => t.cpu));
  return {
    node: out.node,
    load1m,
    directCpuUs: r3(directCpuUs),
    routerCpuUs: r3(routerCpuUs),
    cpuOverheadUs: r3(routerCpuUs - directCpuUs),
    wallOverheadUs: r3(median(out.routed.map((t) => t.wall)) - median(out.direct.map((t) => t.wall))),
  };
}

const runs: Record<string, Record<string, Run[]>> = {};
let node = '';
for (let p = 0; p < PROCESSES; p++) {
  for (const variant of VARIANTS) {
    // Alternate which tree goes first, so neither always runs after the other.
    const order = p % 2 === 0 ? trees : [...trees].reverse();
    for (const tree of order) {
      const { node: version, ...run } = measure(tree.root, variant);
      node = version;
      runs[tree.name] ??= {};
      const byVariant = runs[tree.name] as Record<string, Run[]>;
      byVariant[variant] ??= [];
      byVariant[variant].push(run);
      console.log(
        `${tree.name.padEnd(8)} ${variant.padEnd(18)} load ${run.load1m.toFixed(2).padStart(5)}  ` +
          `router ${run.routerCpuUs.toFixed(2).padStart(6)} µs CPU/call, direct ${run.directCpuUs.toFixed(2)}, ` +
          `overhead ${run.cpuOverheadUs.toFixed(2)}`,
      );
    }
  }
}

const summary = Object.fromEntries(
  Object.entries(runs).map(([tree, byVariant]) => [
    tree,
    Object.fromEntries(
      Object.entries(byVariant).map(([variant, list]) => {
        const overheads = list.map((r) => r.cpuOverheadUs);
        return [
          variant,
          {
            cpuOverheadUsMedian: r3(median(overheads)),
            cpuOverheadUsSpread: [r3(Math.min(...overheads)), r3(Math.max(...overheads))],
            loads: list.map((r) => r.load1m),
          },
        ];
      }),
    ),
  ]),
);
console.table(
  Object.fromEntries(
    Object.entries(summary).flatMap(([tree, byVariant]) =>
      Object.entries(byVariant).map(([variant, s]) => [
        `${tree}: ${variant}`,
        {
          'CPU overhead µs/call (median)': s.cpuOverheadUsMedian,
          min: s.cpuOverheadUsSpread[0],
          max: s.cpuOverheadUsSpread[1],
          'load 1m': s.loads.join(' '),
        },
      ]),
    ),
  ),
);

const result = {
  date: new Date().toISOString(),
  node,
  isolation: 'child-process-per-measurement',
  processesPerVariant: PROCESSES,
  roundsPerProcess: ROUNDS,
  iterations: ITERATIONS,
  warmUp: WARM_UP,
  trees: Object.fromEntries(trees.map((t) => [t.name, t.root])),
  summary,
  runs,
};
const out = resolve(here, 'bench', 'results', `${outName}.json`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`written ${out}`);
