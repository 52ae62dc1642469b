/**
 * Call-pipeline overhead benchmark: µs per call and heap per 10 000 concurrently monitored calls
 * for the whole provider-call pipeline — budget → retry → breaker → patience (the router's
 * composition, `createCallPipeline`) — around a no-op, each figure also given as a ratio to a
 * baseline measured in the same run (the no-op called directly; for heap, the same harness
 * around a pass-through). Each layer is also measured alone. Medians of ROUNDS rounds, spread too.
 * Goals: ≤ 3 µs per call for the whole pipeline, ≤ 4 MB for 10 000 concurrent monitored calls.
 *
 * GC must be real for the heap figures: the script re-runs itself under `node --expose-gc` when
 * started without it (e.g. `npx tsx bench/gateway-overhead.ts`). Writes bench/results/gateway-overhead.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CallPolicy } from '../src/domain/call-context.js';
import { passThroughPolicy } from '../src/resilience/call-policy.js';
import { createBenchPipelines, startPendingCalls } from './lib/gateway-pipelines.js';

const self = fileURLToPath(import.meta.url);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  // Without --expose-gc the heap figures are noise (they swung from −4 MB to 23 MB): re-run with it.
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', self], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}

const ITERATIONS = 20_000;
// Long enough for the JIT to reach steady state also on a busy machine (its compiler threads then
// get little CPU): with 5 000 the first rounds still ran partly unoptimised code.
const WARM_UP = 50_000;
const CONCURRENT = 10_000;
const GOAL_US = 3;
const GOAL_MB = 4;
const ROUNDS = 3;

const collect = async (): Promise<void> => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
};

const { gateway, pipelines: built, ctx } = createBenchPipelines();
const pipelines: Record<string, CallPolicy> = built;
const noop = async (): Promise<number> => 1;

/** µs per call: wall time, and CPU time of this process (not inflated while other processes run). */
interface Timing {
  wall: number;
  cpu: number;
}

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

async function timeDirect(n: number): Promise<Timing> {
  const cpu = cpuNow();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await noop();
  return { wall: Number(process.hrtime.bigint() - start) / 1000 / n, cpu: (cpuNow() - cpu) / n };
}

async function timePipeline(policy: CallPolicy, n: number): Promise<Timing> {
  const cpu = cpuNow();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await policy.execute(noop, ctx);
  return { wall: Number(process.hrtime.bigint() - start) / 1000 / n, cpu: (cpuNow() - cpu) / n };
}

/** Heap held while `n` calls wait inside `policy`, each having pushed one heartbeat. */
async function heapOfConcurrentCalls(policy: CallPolicy, n: number): Promise<number> {
  await collect();
  const before = process.memoryUsage().heapUsed;
  const { calls, release } = startPendingCalls(policy, ctx, n);
  await collect();
  const during = process.memoryUsage().heapUsed;
  if (policy !== pipelines['pass-through'] && policy === pipelines['whole pipeline']) {
    const active = gateway.getActiveOperations().length;
    if (active !== n) throw new Error(`expected ${n} monitored calls, saw ${active}`);
  }
  release();
  await Promise.all(calls);
  return (during - before) / 1024 / 1024;
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const spread = (xs: number[]): [number, number] => [
  Number(Math.min(...xs).toFixed(3)),
  Number(Math.max(...xs).toFixed(3)),
];
const r3 = (x: number): number => Number(x.toFixed(3));

await timeDirect(WARM_UP);
for (const policy of Object.values(pipelines)) await timePipeline(policy, WARM_UP);
const times: Record<string, number[]> = { direct: [] };
const cpuTimes: Record<string, number[]> = { direct: [] };
for (const name of Object.keys(pipelines)) {
  times[name] = [];
  cpuTimes[name] = [];
}
const record = (name: string, t: Timing): void => {
  times[name]?.push(t.wall);
  cpuTimes[name]?.push(t.cpu);
};
const heaps = { harness: [] as number[], pipeline: [] as number[] };
for (let r = 0; r < ROUNDS; r++) {
  record('direct', await timeDirect(ITERATIONS));
  for (const [name, policy] of Object.entries(pipelines))
    record(name, await timePipeline(policy, ITERATIONS));
  heaps.harness.push(await heapOfConcurrentCalls(passThroughPolicy, CONCURRENT));
  heaps.pipeline.push(await heapOfConcurrentCalls(pipelines['whole pipeline'] as CallPolicy, CONCURRENT));
}
const directUs = median(times.direct ?? []);
const directCpuUs = median(cpuTimes.direct ?? []);
const perLayer = Object.fromEntries(
  Object.keys(pipelines).map((name) => {
    const us = median(times[name] ?? []);
    const cpuUs = median(cpuTimes[name] ?? []);
    return [
      name,
      {
        usPerCall: r3(us),
        overheadUs: r3(us - directUs),
        ratioToDirect: r3(us / directUs),
        spread: spread(times[name] ?? []),
        cpuUsPerCall: r3(cpuUs),
        cpuOverheadUs: r3(cpuUs - directCpuUs),
        cpuSpread: spread(cpuTimes[name] ?? []),
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
  loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
  gcForced: true,
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
  'GC forced': result.gcForced,
  'meets µs goal (wall)': result.meetsGoals.usPerCall,
  'meets µs goal (CPU)': result.meetsGoals.cpuUsPerCall,
  'meets heap goal': result.meetsGoals.heapMbNet,
});

const out = resolve(dirname(self), 'results/gateway-overhead.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`written ${out}`);
