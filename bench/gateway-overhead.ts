/**
 * Call-pipeline overhead benchmark: µs per call and heap per 10 000 concurrently monitored calls
 * for the whole provider-call pipeline — budget → retry → breaker → patience (the router's
 * composition, `createCallPipeline`) — around a no-op, each figure also given as a ratio to a
 * baseline measured in the same process (the no-op called directly; for heap, the same harness
 * around a pass-through). Each layer is also measured alone. Medians of ROUNDS rounds, spread too.
 * Goals: ≤ 3 µs per call for the whole pipeline, ≤ 4 MB for 10 000 concurrent monitored calls.
 *
 * `--isolation process` (the default) measures each pipeline, with its no-op baseline, in a child
 * process of its own: measured in one process, the pipelines share the JIT's feedback on the code
 * they have in common, and a pipeline measured after the others cost up to three times what it
 * costs alone (docs/call-pipeline-performance.md). `--isolation none` measures them all in one
 * process, interleaved round by round, as the benchmark did before. The results record which ran.
 *
 * GC must be real for the heap figures: the script re-runs itself under `node --expose-gc` when
 * started without it (e.g. `npx tsx bench/gateway-overhead.ts`). Writes
 * bench/results/gateway-overhead.json (`--out NAME`: bench/results/NAME.json).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CONCURRENT,
  ITERATIONS,
  type Measured,
  measurePipelines,
  PIPELINE_NAMES,
  type PipelineName,
  ROUNDS,
  WARM_UP,
} from './lib/gateway-overhead-measure.js';

const self = fileURLToPath(import.meta.url);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  // Without --expose-gc the heap figures are noise (they swung from −4 MB to 23 MB): re-run with it.
  const run = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', self, ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  );
  process.exit(run.status ?? 1);
}

const GOAL_US = 3;
const GOAL_MB = 4;
const argOf = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
};
const load1m = (): number => Number((loadavg()[0] ?? 0).toFixed(2));

// A child of the isolated mode: one pipeline (and the direct no-op) in this process; one JSON line out.
// `--child heap`: the heap of pending calls alone.
const childOf = argOf('child') as PipelineName | 'heap' | undefined;
if (childOf !== undefined) {
  if (childOf !== 'heap' && !PIPELINE_NAMES.includes(childOf)) throw new Error(`unknown pipeline ${childOf}`);
  const measured = await measurePipelines(childOf === 'heap' ? [] : [childOf], childOf === 'heap');
  console.log(JSON.stringify(measured));
  process.exit(0);
}

const isolation = argOf('isolation') ?? 'process';
if (isolation !== 'process' && isolation !== 'none') throw new Error('--isolation is process or none');
const outName = argOf('out') ?? 'gateway-overhead';

/** What was measured, by pipeline: from one process, or from one child process each. */
interface PipelineRuns {
  measured: Record<string, Measured>;
  loads: Record<string, number>;
  /** The heap rounds (in the isolated mode from a child process of their own). */
  heaps: Measured['heaps'];
}

function runIsolated(): PipelineRuns {
  const runs: PipelineRuns = { measured: {}, loads: {}, heaps: { harness: [], pipeline: [] } };
  for (const name of [...PIPELINE_NAMES, 'heap'] as const) {
    runs.loads[name] = load1m();
    const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--child', name], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    if (child.status !== 0) throw new Error(`the ${name} child failed: ${child.stderr}`);
    const measured = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as Measured;
    if (name === 'heap') runs.heaps = measured.heaps;
    else runs.measured[name] = measured;
    console.log(`${name}: measured in its own process (load ${runs.loads[name]})`);
  }
  return runs;
}

async function runInOneProcess(): Promise<PipelineRuns> {
  const load = load1m();
  const measured = await measurePipelines(PIPELINE_NAMES, true);
  return {
    measured: Object.fromEntries(PIPELINE_NAMES.map((n) => [n, measured])),
    loads: Object.fromEntries(PIPELINE_NAMES.map((n) => [n, load])),
    heaps: measured.heaps,
  };
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const spread = (xs: number[]): [number, number] => [
  Number(Math.min(...xs).toFixed(3)),
  Number(Math.max(...xs).toFixed(3)),
];
const r3 = (x: number): number => Number(x.toFixed(3));

const loadAtStart = load1m();
const { measured, loads, heaps } = isolation === 'process' ? runIsolated() : await runInOneProcess();
const whole = measured['whole pipeline'] as Measured;
// The baseline of each pipeline is the no-op measured in the same process (in the isolated mode,
// its own child); the top-level baseline is that of the whole pipeline's process.
const times: Record<string, number[]> = { direct: whole.times.direct ?? [] };
const cpuTimes: Record<string, number[]> = { direct: whole.cpuTimes.direct ?? [] };
const directUs = median(times.direct ?? []);
const directCpuUs = median(cpuTimes.direct ?? []);
const perLayer = Object.fromEntries(
  PIPELINE_NAMES.map((name) => {
    const m = measured[name] as Measured;
    const own = m.times[name] ?? [];
    const ownCpu = m.cpuTimes[name] ?? [];
    times[name] = own;
    cpuTimes[name] = ownCpu;
    const baseUs = median(m.times.direct ?? []);
    const baseCpuUs = median(m.cpuTimes.direct ?? []);
    const us = median(own);
    const cpuUs = median(ownCpu);
    return [
      name,
      {
        usPerCall: r3(us),
        overheadUs: r3(us - baseUs),
        ratioToDirect: r3(us / baseUs),
        spread: spread(own),
        cpuUsPerCall: r3(cpuUs),
        cpuOverheadUs: r3(cpuUs - baseCpuUs),
        cpuSpread: spread(ownCpu),
        // The no-op measured in the same process as this pipeline (its baseline).
        baselineDirectUsPerCall: r3(baseUs),
        baselineDirectCpuUsPerCall: r3(baseCpuUs),
        loadAverage1m: loads[name],
      },
    ];
  }),
);
const wholeUs = median(times['whole pipeline'] ?? []);
const wholeCpuUs = median(cpuTimes['whole pipeline'] ?? []);
const harnessMb = median(heaps.harness);
const pipelineMb = median(heaps.pipeline);
const netMb = pipelineMb - harnessMb;

const result = {
  date: new Date().toISOString(),
  node: process.version,
  loadAverage1m: loadAtStart,
  loadAverage1mAtEnd: load1m(),
  gcForced: true,
  // 'process': each pipeline, with the no-op it is compared to, measured in a child process of its
  // own (no JIT feedback shared between pipelines), and the heap rounds in one more; 'none': all
  // in one process, interleaved round by round, the heap rounds after each round's timings.
  isolation,
  warmUp: WARM_UP,
  rounds: ROUNDS,
  iterations: ITERATIONS,
  baselineDirectUsPerCall: r3(directUs),
  wholePipelineUsPerCall: r3(wholeUs),
  wholePipelineOverheadUsPerCall: r3(wholeUs - directUs),
  wholePipelineRatioToDirect: r3(wholeUs / directUs),
  // CPU time of this process per call: what the pipeline costs, also on a machine shared with other
  // work (wall time then includes the time this process waited for a core).
  baselineDirectCpuUsPerCall: r3(directCpuUs),
  wholePipelineCpuUsPerCall: r3(wholeCpuUs),
  wholePipelineCpuOverheadUsPerCall: r3(wholeCpuUs - directCpuUs),
  perLayer,
  concurrentCalls: CONCURRENT,
  heapMb: {
    harnessAlone: r3(harnessMb),
    wholePipeline: r3(pipelineMb),
    pipelineNet: r3(netMb),
    ratioToHarness: r3(pipelineMb / harnessMb),
    spread: { harnessAlone: spread(heaps.harness), wholePipeline: spread(heaps.pipeline) },
  },
  goals: { usPerCall: GOAL_US, heapMbNet: GOAL_MB },
  meetsGoals: {
    usPerCall: wholeUs - directUs <= GOAL_US,
    cpuUsPerCall: wholeCpuUs - directCpuUs <= GOAL_US,
    heapMbNet: netMb <= GOAL_MB,
  },
};

console.table(
  Object.fromEntries(
    Object.entries(perLayer).map(([name, v]) => [
      name,
      {
        'µs/call': v.usPerCall,
        'overhead µs': v.overheadUs,
        '× direct': v.ratioToDirect,
        'CPU µs/call': v.cpuUsPerCall,
        'CPU overhead µs': v.cpuOverheadUs,
      },
    ]),
  ),
);
console.table({
  'direct no-op (µs/call)': result.baselineDirectUsPerCall,
  [`harness heap, ${CONCURRENT} calls (MB)`]: result.heapMb.harnessAlone,
  [`pipeline heap, ${CONCURRENT} calls (MB)`]: result.heapMb.wholePipeline,
  'pipeline net heap (MB)': result.heapMb.pipelineNet,
  'load average (1 min)': result.loadAverage1m,
  isolation: result.isolation,
  'GC forced': result.gcForced,
  'meets µs goal (wall)': result.meetsGoals.usPerCall,
  'meets µs goal (CPU)': result.meetsGoals.cpuUsPerCall,
  'meets heap goal': result.meetsGoals.heapMbNet,
});

const out = resolve(dirname(self), `results/${outName}.json`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`written ${out}`);
