/**
 * Failover benchmark: time from a dead provider to a success on the alternative, through the
 * whole router (createRoutingKit → FallbackRouter, policy `auto`), on loopback only.
 *  - closed/refused: the preferred provider's port refuses connections; it is tried, fails
 *    (network_error), is classified, and the router switches (AUTO_AFTER_ERROR);
 *  - closed/503: the preferred provider answers OpenAI's 503 (provider_overload), same path;
 *  - open: the preferred provider's breaker is open; it is skipped without a call (AUTO_CIRCUIT_OPEN).
 * The breaker is closed again before every "closed" run, so each run sees the full path.
 * Recovery strategies for network_error and provider_overload are set to zero retries and zero
 * delay, so the figure measures the router, not a backoff: with the defaults, a refused
 * connection is retried three times (1 + 2 + 4 s) before the switch.
 * Each run also calls the alternative directly (same adapter, same fixture); the figure reported
 * is router time minus that direct time, per run. Goal: ≤ 20 ms (p95) above the alternative's own
 * latency once the breaker is open.
 *
 * Run: `npx tsx bench/failover.ts`. Writes bench/results/failover.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_TIMEOUT_PROFILES } from '../src/config/timeout-profile-defaults.js';
import { ProviderTimeoutProfileLoader } from '../src/config/timeout-profile-loader.js';
import type { ChatRequest, ChatResult, LlmProvider } from '../src/domain/provider.js';
import { OpenAiChatProvider } from '../src/providers/llm/openai-chat-provider.js';
import { ProviderRegistry } from '../src/providers/provider-registry.js';
import { createRoutingKit, type RoutingKit } from '../src/routing/routing-kit.js';
import { MemoryAuditTrail } from '../src/state/memory/memory-audit-trail.js';
import { createOpenAiFixture, OPENAI_ROUTES, openAiErrors } from '../test/fixtures/llm-tts/openai-fixture.js';

const RUNS = 200;
const WARM_UP = 20;
const CALL_TIMEOUT_MS = 5_000;
const GOAL_OVERHEAD_MS = 20;
const KEY = 'sk-bench-failover-0123456789abcdef';
const request: ChatRequest = { messages: [{ role: 'user', content: 'Write the script' }] };
const noHeartbeat = (): void => {};

type Scenario = 'closed-refused' | 'closed-503' | 'open';

interface Stats {
  medianMs: number;
  p95Ms: number;
  maxMs: number;
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

/** Median and p95 as sorted[ceil(p·n) − 1] (docs/provider-selection.md#percentiles). */
function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number): number => s[Math.max(0, Math.ceil(p * s.length) - 1)] ?? Number.NaN;
  return { medianMs: round(at(0.5)), p95Ms: round(at(0.95)), maxMs: round(s[s.length - 1] ?? Number.NaN) };
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return `http://127.0.0.1:${port}/v1`;
}

function chat(id: string, baseUrl: string, priority: number): OpenAiChatProvider {
  return new OpenAiChatProvider({
    id,
    displayName: id,
    apiKey: KEY,
    baseUrl,
    priority,
    costModel: { unit: 'free', usdPerUnit: 0 },
  });
}

function kitFor(dead: OpenAiChatProvider, alternative: OpenAiChatProvider): RoutingKit {
  return createRoutingKit({
    registry: new ProviderRegistry([dead, alternative]),
    profiles: new ProviderTimeoutProfileLoader({ config: DEFAULT_TIMEOUT_PROFILES }),
    audit: new MemoryAuditTrail(),
    strategies: {
      network_error: { maxRetries: 0, baseMs: 0, maxMs: 0 },
      provider_overload: { maxRetries: 0, baseMs: 0, maxMs: 0 },
    },
  });
}

async function measure(
  scenario: Scenario,
  dead: OpenAiChatProvider,
  alternative: OpenAiChatProvider,
): Promise<{ router: Stats; direct: Stats; overhead: Stats }> {
  const kit = kitFor(dead, alternative);
  if (scenario === 'open') kit.breakers.get(dead.id).open('benchmark: provider down');
  const routerMs: number[] = [];
  const directMs: number[] = [];
  const overheadMs: number[] = [];
  for (let i = 0; i < WARM_UP + RUNS; i += 1) {
    const signal = AbortSignal.timeout(CALL_TIMEOUT_MS);
    const t0 = performance.now();
    await alternative.chat(request, { signal, heartbeat: noHeartbeat });
    const direct = performance.now() - t0;
    if (scenario !== 'open') kit.breakers.get(dead.id).close('benchmark: fresh run');
    const jobId = `${scenario}_${i}`;
    const t1 = performance.now();
    const result = await kit.router.run<ChatResult, LlmProvider>({
      jobId,
      correlationId: `corr_${i}`,
      stage: 'script',
      kind: 'llm',
      preferred: dead.id,
      policy: 'auto',
      signal,
      call: (provider, ctx) => provider.chat(request, ctx),
    });
    const routed = performance.now() - t1;
    if (result.provider.id !== alternative.id || !result.switched) {
      throw new Error(`${scenario}: run ${i} ended on ${result.provider.id}, expected a switch`);
    }
    kit.gateway.releaseProviderLock(jobId, 'benchmark run done');
    kit.failures.clear(jobId);
    if (i < WARM_UP) continue;
    routerMs.push(routed);
    directMs.push(direct);
    overheadMs.push(routed - direct);
  }
  const reasons = await kit.gateway.getStatistics();
  const expected = scenario === 'open' ? 'AUTO_CIRCUIT_OPEN' : 'AUTO_AFTER_ERROR';
  if (reasons.byReason[expected] !== WARM_UP + RUNS) {
    throw new Error(
      `${scenario}: expected ${WARM_UP + RUNS} ${expected} decisions, got ${JSON.stringify(reasons.byReason)}`,
    );
  }
  return { router: stats(routerMs), direct: stats(directMs), overhead: stats(overheadMs) };
}

const healthy = await createOpenAiFixture({ apiKey: KEY }).start();
const overloaded = await createOpenAiFixture({ apiKey: KEY }).start();
overloaded.set(OPENAI_ROUTES.chat, openAiErrors.overloaded);
try {
  const alternative = chat('beta', `${healthy.url}/v1`, 2);
  const refused = chat('alpha', await closedPortUrl(), 1);
  const busy = chat('alpha', `${overloaded.url}/v1`, 1);
  const results = {
    'closed-refused': await measure('closed-refused', refused, alternative),
    'closed-503': await measure('closed-503', busy, alternative),
    open: await measure('open', refused, alternative),
  };
  const table: Record<string, Record<string, number>> = {};
  for (const [name, r] of Object.entries(results)) {
    table[name] = {
      'router median ms': r.router.medianMs,
      'alternative median ms': r.direct.medianMs,
      'overhead median ms': r.overhead.medianMs,
      'overhead p95 ms': r.overhead.p95Ms,
      'overhead max ms': r.overhead.maxMs,
    };
  }
  console.table(table);
  const meetsGoal = results.open.overhead.p95Ms <= GOAL_OVERHEAD_MS;
  console.log(
    `Goal (breaker open): overhead p95 ≤ ${GOAL_OVERHEAD_MS} ms above the alternative's latency — ${meetsGoal ? 'met' : 'NOT met'} (${results.open.overhead.p95Ms} ms).`,
  );
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    /** 1-minute load average at the end: other work on the machine widens p95 and max. */
    loadAverage1m: round(loadavg()[0] ?? 0),
    runs: RUNS,
    warmUp: WARM_UP,
    method:
      'router time (policy auto, preferred = dead provider) minus a direct call of the alternative in the same run; loopback fixtures; zero-retry, zero-delay strategies for network_error and provider_overload',
    scenarios: results,
    goal: { breakerOpenOverheadP95Ms: GOAL_OVERHEAD_MS },
    meetsGoal,
  };
  const out = resolve(dirname(fileURLToPath(import.meta.url)), 'results/failover.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`Wrote ${out}`);
} finally {
  await healthy.stop();
  await overloaded.stop();
}
