/**
 * One measurement of bench/router-overhead.ts, in its own process: CPU and wall time per call of
 * a router call (`router.run` of a routing kit with default stores, the provider preferred, a
 * no-op call) next to the no-op called directly, both in this process, in alternating rounds.
 *
 * argv: ROOT (the tree whose src/ is measured: this one, or a copy of main for an A/B) and VARIANT:
 * - `router`: `createRoutingKit` as is — the real performance tracker and its default call-record store;
 * - `router-no-tracker`: the same kit's components in a `FallbackRouter` without a tracker (what
 *   the tracker costs is the difference);
 * - `router-30d`: as `router`, the tracker first given 30 days of history (720 hourly buckets,
 *   10 000 stored records), as a server that has run for a month has.
 * Prints one JSON line.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DEFAULT_TIMEOUT_PROFILES as Profiles } from '../../src/config/timeout-profile-defaults.js';
import type { ProviderTimeoutProfileLoader as Loader } from '../../src/config/timeout-profile-loader.js';
import type { LlmProvider } from '../../src/domain/provider.js';
import type { ProviderRegistry as Registry } from '../../src/providers/provider-registry.js';
import type { FallbackRouter as Router } from '../../src/routing/fallback-router.js';
import type { createRoutingKit as CreateKit } from '../../src/routing/routing-kit.js';
import type { StageCall } from '../../src/routing/stage-call.js';
import type { MemoryAuditTrail as Audit } from '../../src/state/memory/memory-audit-trail.js';

const root = process.argv[2] ?? join(import.meta.dirname, '..', '..');
const variant = process.argv[3] ?? 'router';
const iterations = Number(process.argv[4] ?? 20_000);
const rounds = Number(process.argv[5] ?? 5);
const warmUp = Number(process.argv[6] ?? 50_000);
const from = async <T>(path: string): Promise<T> =>
  (await import(pathToFileURL(join(root, 'src', path)).href)) as T;

const { DEFAULT_TIMEOUT_PROFILES } = await from<{ DEFAULT_TIMEOUT_PROFILES: typeof Profiles }>(
  'config/timeout-profile-defaults.ts',
);
const { ProviderTimeoutProfileLoader } = await from<{ ProviderTimeoutProfileLoader: typeof Loader }>(
  'config/timeout-profile-loader.ts',
);
const { ProviderRegistry } = await from<{ ProviderRegistry: typeof Registry }>(
  'providers/provider-registry.ts',
);
const { createRoutingKit } = await from<{ createRoutingKit: typeof CreateKit }>('routing/routing-kit.ts');
const { FallbackRouter } = await from<{ FallbackRouter: typeof Router }>('routing/fallback-router.ts');
const { MemoryAuditTrail } = await from<{ MemoryAuditTrail: typeof Audit }>(
  'state/memory/memory-audit-trail.ts',
);

const HOUR_MS = 3_600_000;
const provider: LlmProvider = {
  id: 'bench',
  displayName: 'Bench',
  kind: 'llm',
  profileType: 'local_llm',
  capabilities: { heartbeat: 'token_count' },
  priority: 1,
  costModel: { unit: 'free', usdPerUnit: 0 },
  healthCheck: async () => ({ healthy: true, latencyMs: 1, message: 'ok' }),
  chat: async () => ({ text: 'ok', model: 'bench', usage: {} }),
};
const registry = new ProviderRegistry([provider]);
const kit = createRoutingKit({
  registry,
  profiles: new ProviderTimeoutProfileLoader({ config: DEFAULT_TIMEOUT_PROFILES }),
  audit: new MemoryAuditTrail(),
});
let router: Router = kit.router;
if (variant === 'router-no-tracker') {
  router = new FallbackRouter({
    gateway: kit.gateway,
    registry,
    selection: kit.selection,
    recovery: kit.recovery,
    breakers: kit.breakers,
    failures: kit.failures,
    costs: kit.costs,
    budget: kit.budget,
    policies: kit.policies,
    neverAutoSelect: ['captions-only'],
    rateLimiter: kit.rateLimiter,
    bulkheads: kit.bulkheads,
  });
} else if (variant === 'router-30d') {
  const now = Date.now();
  for (let i = 0; i < 10_000; i++) {
    const startedAt = now - Math.floor((i * 30 * 24 * HOUR_MS) / 10_000) - 1;
    await kit.tracker.record({ provider: 'bench', operation: 'llm', startedAt, latencyMs: 1, ok: true });
  }
} else if (variant !== 'router') {
  throw new Error(`unknown variant ${variant}: router, router-no-tracker or router-30d`);
}

const noop = async (): Promise<number> => 1;
const call: StageCall<number> = {
  jobId: 'bench-job',
  correlationId: 'bench-corr',
  stage: 'script',
  kind: 'llm',
  preferred: 'bench',
  policy: 'auto',
  signal: new AbortController().signal,
  call: noop,
};

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
interface Timing {
  wall: number;
  cpu: number;
}
async function time(n: number, viaRouter: boolean): Promise<Timing> {
  const cpu = cpuNow();
  const start = process.hrtime.bigint();
  if (viaRouter) for (let i = 0; i < n; i++) await router.run(call);
  else for (let i = 0; i < n; i++) await noop();
  return { wall: Number(process.hrtime.bigint() - start) / 1000 / n, cpu: (cpuNow() - cpu) / n };
}

await time(warmUp, false);
await time(warmUp, true);
const direct: Timing[] = [];
const routed: Timing[] = [];
for (let r = 0; r < rounds; r++) {
  direct.push(await time(iterations, false));
  routed.push(await time(iterations, true));
}
const buckets = kit.tracker.bucketCount('bench');
const recorded = kit.tracker.getMetrics('bench', '30d').calls;
console.log(
  JSON.stringify({ variant, node: process.version, direct, routed, buckets, recordedCalls: recorded }),
);
