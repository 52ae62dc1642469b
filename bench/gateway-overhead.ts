/**
 * Gateway overhead benchmark: µs per `executeWithPatience` call around a no-op async function
 * versus calling the no-op directly, and the heap held by 10 000 concurrently monitored calls.
 * Goals: ≤ 20 µs per call, ≤ 10 MB for 10 000 calls.
 *
 * Run: `npx tsx bench/gateway-overhead.ts`, or with forced GC for the memory figure:
 * `node --expose-gc --import tsx bench/gateway-overhead.ts`. Writes bench/results/gateway-overhead.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_TIMEOUT_PROFILES } from '../src/config/timeout-profile-defaults.js';
import { ProviderTimeoutProfileLoader } from '../src/config/timeout-profile-loader.js';
import { ProviderGateway } from '../src/patience/provider-gateway.js';
import { MemoryAuditTrail } from '../src/state/memory/memory-audit-trail.js';

const ITERATIONS = 50_000;
const WARM_UP = 5_000;
const CONCURRENT = 10_000;
const GOAL_US = 20;
const GOAL_MB = 10;

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

async function timeGateway(n: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await gateway.executeWithPatience({ ...call, operation: noop });
  return Number(process.hrtime.bigint() - start) / 1000 / n;
}

async function heapOfConcurrentCalls(n: number): Promise<number> {
  await collect();
  const before = process.memoryUsage().heapUsed;
  const releases: Array<() => void> = [];
  const calls: Array<Promise<number>> = [];
  for (let i = 0; i < n; i++) {
    calls.push(
      gateway.executeWithPatience({
        ...call,
        operation: ({ heartbeat }) =>
          new Promise<number>((res) => {
            heartbeat({ tokens: 1 });
            releases.push(() => res(i));
          }),
      }),
    );
  }
  await collect();
  const during = process.memoryUsage().heapUsed;
  const active = gateway.getActiveOperations().length;
  if (active !== n) throw new Error(`expected ${n} active operations, saw ${active}`);
  for (const release of releases) release();
  await Promise.all(calls);
  return (during - before) / 1024 / 1024;
}

await timeDirect(WARM_UP);
await timeGateway(WARM_UP);
const directUs = await timeDirect(ITERATIONS);
const gatewayUs = await timeGateway(ITERATIONS);
const heapMb = await heapOfConcurrentCalls(CONCURRENT);
const overheadUs = gatewayUs - directUs;

const result = {
  date: new Date().toISOString(),
  node: process.version,
  iterations: ITERATIONS,
  directUsPerCall: Number(directUs.toFixed(3)),
  gatewayUsPerCall: Number(gatewayUs.toFixed(3)),
  overheadUsPerCall: Number(overheadUs.toFixed(3)),
  ratio: Number((gatewayUs / directUs).toFixed(1)),
  concurrentOperations: CONCURRENT,
  heapMbForConcurrentOperations: Number(heapMb.toFixed(2)),
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
  'GC forced': result.gcForced,
  'meets goals': result.meetsGoals,
});

const out = resolve(dirname(fileURLToPath(import.meta.url)), 'results/gateway-overhead.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`written ${out}`);
