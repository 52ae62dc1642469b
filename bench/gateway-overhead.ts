/**
 * Gateway overhead benchmark: µs per `executeWithPatience` call around a no-op async function
 * versus calling the no-op directly, and the heap held by 10 000 concurrently monitored calls.
 * Goals: ≤ 20 µs per call, ≤ 10 MB for 10 000 calls. Each figure is the median of ROUNDS rounds
 * (the spread is written too). For honesty it also measures an operation that reads `ctx.signal`,
 * as every real adapter does (the gateway creates the AbortSignal only when it is read), and the
 * heap of the harness alone (the same closures and promises around a pass-through instead of the
 * gateway), which the 10 000-call figure includes.
 *
 * Run: `npx tsx bench/gateway-overhead.ts`, or with forced GC for the memory figure:
 * `node --expose-gc --import tsx bench/gateway-overhead.ts`. Writes bench/results/gateway-overhead.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_TIMEOUT_PROFILES } from '../src/config/timeout-profile-defaults.js';
import { ProviderTimeoutProfileLoader } from '../src/config/timeout-profile-loader.js';
import type { ProviderCallContext } from '../src/domain/provider.js';
import { ProviderGateway } from '../src/patience/provider-gateway.js';
import { MemoryAuditTrail } from '../src/state/memory/memory-audit-trail.js';

const ITERATIONS = 50_000;
const WARM_UP = 5_000;
const CONCURRENT = 10_000;
const GOAL_US = 20;
const GOAL_MB = 10;
const ROUNDS = 3;

const gc = (globalThis as { gc?: () => void }).gc;
const collect = async (): Promise<void> => {
  if (!gc) return;
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
};

const gateway = new ProviderGateway({
  profiles: new ProviderTimeoutProfileLoader({ config: DEFAULT_TIMEOUT_PROFILES }),
  audit: new MemoryAuditTrail(),
});
gateway.lockProvider('bench-job', 'Ollama', 'local_llm', 'bench-corr');
const noop = async (): Promise<number> => 1;
const readsSignal = async (ctx: ProviderCallContext): Promise<number> => (ctx.signal.aborted ? 0 : 1);
const call = {
  jobId: 'bench-job',
  providerName: 'Ollama',
  providerType: 'local_llm',
  stage: 'script',
  correlationId: 'bench-corr',
  heartbeatKind: 'token_count',
} as const;

async function timeDirect(n: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await noop();
  return Number(process.hrtime.bigint() - start) / 1000 / n;
}

async function timeGateway(
  n: number,
  operation: (ctx: ProviderCallContext) => Promise<number> = noop,
): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await gateway.executeWithPatience({ ...call, operation });
  return Number(process.hrtime.bigint() - start) / 1000 / n;
}

type Executor = Pick<ProviderGateway, 'executeWithPatience'>;
const ignoreBeat = (): void => {};
const sharedSignal = new AbortController().signal;
/** The same per-call harness around a pass-through: what the heap figure holds besides the gateway. */
const passThrough: Executor = {
  executeWithPatience: (req) => req.operation({ signal: sharedSignal, heartbeat: ignoreBeat }),
};

async function heapOfConcurrentCalls(
  n: number,
  target: Executor = gateway,
  readSignal = false,
): Promise<number> {
  await collect();
  const before = process.memoryUsage().heapUsed;
  const releases: Array<() => void> = [];
  const calls: Array<Promise<number>> = [];
  for (let i = 0; i < n; i++) {
    calls.push(
      target.executeWithPatience({
        ...call,
        operation: readSignal
          ? (ctx) =>
              new Promise<number>((res) => {
                if (ctx.signal.aborted) return;
                ctx.heartbeat({ tokens: 1 });
                releases.push(() => res(i));
              })
          : ({ heartbeat }) =>
              new Promise<number>((res) => {
                heartbeat({ tokens: 1 });
                releases.push(() => res(i));
              }),
      }),
    );
  }
  await collect();
  const during = process.memoryUsage().heapUsed;
  if (target === gateway) {
    const active = gateway.getActiveOperations().length;
    if (active !== n) throw new Error(`expected ${n} active operations, saw ${active}`);
  }
  for (const release of releases) release();
  await Promise.all(calls);
  return (during - before) / 1024 / 1024;
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const spread = (xs: number[]): [number, number] => [
  Number(Math.min(...xs).toFixed(3)),
  Number(Math.max(...xs).toFixed(3)),
];

await timeDirect(WARM_UP);
await timeGateway(WARM_UP);
await timeGateway(WARM_UP, readsSignal);
const rounds = { direct: [] as number[], gateway: [] as number[], signal: [] as number[] };
const heaps = { gateway: [] as number[], signal: [] as number[], harness: [] as number[] };
for (let r = 0; r < ROUNDS; r++) {
  rounds.direct.push(await timeDirect(ITERATIONS));
  rounds.gateway.push(await timeGateway(ITERATIONS));
  rounds.signal.push(await timeGateway(ITERATIONS, readsSignal));
  heaps.gateway.push(await heapOfConcurrentCalls(CONCURRENT));
  heaps.signal.push(await heapOfConcurrentCalls(CONCURRENT, gateway, true));
  heaps.harness.push(await heapOfConcurrentCalls(CONCURRENT, passThrough));
}
const directUs = median(rounds.direct);
const gatewayUs = median(rounds.gateway);
const signalUs = median(rounds.signal);
const heapMb = median(heaps.gateway);
const signalHeapMb = median(heaps.signal);
const harnessHeapMb = median(heaps.harness);
const overheadUs = gatewayUs - directUs;

const result = {
  date: new Date().toISOString(),
  node: process.version,
  loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
  rounds: ROUNDS,
  iterations: ITERATIONS,
  directUsPerCall: Number(directUs.toFixed(3)),
  gatewayUsPerCall: Number(gatewayUs.toFixed(3)),
  overheadUsPerCall: Number(overheadUs.toFixed(3)),
  ratio: Number((gatewayUs / directUs).toFixed(1)),
  concurrentOperations: CONCURRENT,
  heapMbForConcurrentOperations: Number(heapMb.toFixed(2)),
  spread: {
    directUsPerCall: spread(rounds.direct),
    gatewayUsPerCall: spread(rounds.gateway),
    heapMbForConcurrentOperations: spread(heaps.gateway),
  },
  /** The same calls with an operation that reads `ctx.signal`, as real adapters do. */
  signalReadingOperation: {
    gatewayUsPerCall: Number(signalUs.toFixed(3)),
    heapMbForConcurrentOperations: Number(signalHeapMb.toFixed(2)),
    spread: { gatewayUsPerCall: spread(rounds.signal), heapMbForConcurrentOperations: spread(heaps.signal) },
  },
  /** Heap of the harness alone (closures, promises, request objects; a pass-through, no gateway). */
  harnessHeapMbForConcurrentOperations: Number(harnessHeapMb.toFixed(2)),
  gatewayNetHeapMbForConcurrentOperations: Number((heapMb - harnessHeapMb).toFixed(2)),
  gcForced: gc !== undefined,
  goals: { usPerCall: GOAL_US, heapMb: GOAL_MB },
  meetsGoals: gatewayUs <= GOAL_US && heapMb <= GOAL_MB,
};

console.table({
  'direct no-op (µs/call)': result.directUsPerCall,
  'executeWithPatience (µs/call)': result.gatewayUsPerCall,
  'overhead (µs/call)': result.overheadUsPerCall,
  ratio: result.ratio,
  [`heap for ${CONCURRENT} ops (MB)`]: result.heapMbForConcurrentOperations,
  'signal-reading op (µs/call)': result.signalReadingOperation.gatewayUsPerCall,
  [`signal-reading, heap for ${CONCURRENT} ops (MB)`]:
    result.signalReadingOperation.heapMbForConcurrentOperations,
  [`harness alone, heap for ${CONCURRENT} (MB)`]: result.harnessHeapMbForConcurrentOperations,
  'load average (1 min)': result.loadAverage1m,
  'GC forced': result.gcForced,
  'meets goals': result.meetsGoals,
});

const out = resolve(dirname(fileURLToPath(import.meta.url)), 'results/gateway-overhead.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`written ${out}`);
