/**
 * The measuring of bench/gateway-overhead.ts, in the process it runs in: µs per call (wall and
 * CPU time of the process) of the no-op called directly and of each named pipeline around it, in
 * ROUNDS alternating rounds after a warm-up; optionally the heap held by 10 000 calls waiting in
 * the whole pipeline and in the same harness around a pass-through. Needs `--expose-gc`.
 */
import type { CallPolicy } from '../../src/domain/call-context.js';
import { passThroughPolicy } from '../../src/resilience/call-policy.js';
import { type BenchPipelines, createBenchPipelines, startPendingCalls } from './gateway-pipelines.js';

/** Calls per timed round. */
export const ITERATIONS = 20_000;
/**
 * Calls before the timed rounds, per pipeline. Long enough for the JIT to reach steady state also
 * on a busy machine (its compiler threads then get little CPU): with 5 000 the first rounds still
 * ran partly unoptimised code.
 */
export const WARM_UP = 50_000;
/** Calls held pending for the heap figure. */
export const CONCURRENT = 10_000;
/** Timed rounds (and heap measurements). */
export const ROUNDS = 3;

/** A pipeline of the benchmark, by name. */
export type PipelineName = keyof BenchPipelines['pipelines'];

/** What one process measured: µs per call per round, by name (`direct` is the no-op alone). */
export interface Measured {
  /** Wall time, µs per call, one entry per round. */
  times: Record<string, number[]>;
  /** CPU time of the process, µs per call, one entry per round. */
  cpuTimes: Record<string, number[]>;
  /** MB held by CONCURRENT pending calls, one entry per round (empty without heap rounds). */
  heaps: { harness: number[]; pipeline: number[] };
}

interface Timing {
  wall: number;
  cpu: number;
}

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/**
 * Measures the no-op and `names` in this process (all of them interleaved round by round, as the
 * benchmark always did; one name alone in a child process of its own in the isolated mode).
 * @param withHeap also measure the heap of pending calls (whole pipeline vs pass-through harness),
 * once per round after the timings. With no `names`, only the heap is measured (after warming up
 * the whole pipeline): the isolated mode does this in a process of its own, so that the garbage of
 * 10 000 released calls is not collected while a pipeline is being timed.
 */
export async function measurePipelines(names: readonly PipelineName[], withHeap: boolean): Promise<Measured> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc: the heap figures need a real GC');
  const { gateway, pipelines, ctx } = createBenchPipelines();
  const noop = async (): Promise<number> => 1;

  const timeDirect = async (n: number): Promise<Timing> => {
    const cpu = cpuNow();
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await noop();
    return { wall: Number(process.hrtime.bigint() - start) / 1000 / n, cpu: (cpuNow() - cpu) / n };
  };
  const timePipeline = async (policy: CallPolicy, n: number): Promise<Timing> => {
    const cpu = cpuNow();
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await policy.execute(noop, ctx);
    return { wall: Number(process.hrtime.bigint() - start) / 1000 / n, cpu: (cpuNow() - cpu) / n };
  };
  const collect = async (): Promise<void> => {
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((r) => setImmediate(r));
    }
  };
  /** Heap held while `n` calls wait inside `policy`, each having pushed one heartbeat. */
  const heapOfConcurrentCalls = async (policy: CallPolicy, n: number): Promise<number> => {
    await collect();
    const before = process.memoryUsage().heapUsed;
    const { calls, release } = startPendingCalls(policy, ctx, n);
    await collect();
    const during = process.memoryUsage().heapUsed;
    if (policy === pipelines['whole pipeline']) {
      const active = gateway.getActiveOperations().length;
      if (active !== n) throw new Error(`expected ${n} monitored calls, saw ${active}`);
    }
    release();
    await Promise.all(calls);
    return (during - before) / 1024 / 1024;
  };

  const timing = names.length > 0;
  if (timing) await timeDirect(WARM_UP);
  for (const name of timing ? names : (['whole pipeline'] as const))
    await timePipeline(pipelines[name], WARM_UP);
  const measured: Measured = {
    times: { direct: [] },
    cpuTimes: { direct: [] },
    heaps: { harness: [], pipeline: [] },
  };
  const record = (name: string, t: Timing): void => {
    measured.times[name] ??= [];
    measured.cpuTimes[name] ??= [];
    measured.times[name].push(t.wall);
    measured.cpuTimes[name].push(t.cpu);
  };
  for (let r = 0; r < ROUNDS; r++) {
    if (timing) record('direct', await timeDirect(ITERATIONS));
    for (const name of names) record(name, await timePipeline(pipelines[name], ITERATIONS));
    if (withHeap) {
      measured.heaps.harness.push(await heapOfConcurrentCalls(passThroughPolicy, CONCURRENT));
      measured.heaps.pipeline.push(await heapOfConcurrentCalls(pipelines['whole pipeline'], CONCURRENT));
    }
  }
  return measured;
}

/** The benchmark's pipelines, in the order they are reported. */
export const PIPELINE_NAMES: readonly PipelineName[] = [
  'pass-through',
  'budget',
  'retry',
  'breaker',
  'patience',
  'whole pipeline',
];
