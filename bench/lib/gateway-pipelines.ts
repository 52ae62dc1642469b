/**
 * The call pipelines the gateway-overhead benchmark and the heap attribution script measure: the
 * router's composition (budget → retry → breaker → patience) around a no-op, and each layer alone,
 * over one shared gateway with the bench job locked to `ollama`.
 */
import { DEFAULT_TIMEOUT_PROFILES } from '../../src/config/timeout-profile-defaults.js';
import { ProviderTimeoutProfileLoader } from '../../src/config/timeout-profile-loader.js';
import { type CallContext, type CallPolicy, createCallContext } from '../../src/domain/call-context.js';
import { systemClock } from '../../src/domain/clock.js';
import { PatiencePolicy } from '../../src/patience/patience-policy.js';
import { ProviderGateway } from '../../src/patience/provider-gateway.js';
import { BreakerPolicy } from '../../src/resilience/breaker-policy.js';
import { createCallPipeline, passThroughPolicy } from '../../src/resilience/call-policy.js';
import { CircuitBreakerRegistry } from '../../src/resilience/circuit-breaker-registry.js';
import { ErrorRecoveryEngine } from '../../src/resilience/error-recovery-engine.js';
import { RetryPolicy } from '../../src/resilience/retry-policy.js';
import { BudgetGuard } from '../../src/routing/budget.js';
import { BudgetPolicy } from '../../src/routing/budget-policy.js';
import { CostTracker } from '../../src/routing/cost-tracker.js';
import { MemoryAuditTrail } from '../../src/state/memory/memory-audit-trail.js';

/** The bench's gateway, pipelines by name, and the context every call runs under. */
export interface BenchPipelines {
  gateway: ProviderGateway;
  pipelines: Record<
    'pass-through' | 'budget' | 'retry' | 'breaker' | 'patience' | 'whole pipeline',
    CallPolicy
  >;
  ctx: CallContext;
}

/** Builds the pipelines on the system clock. */
export function createBenchPipelines(): BenchPipelines {
  const gateway = new ProviderGateway({
    profiles: new ProviderTimeoutProfileLoader({ config: DEFAULT_TIMEOUT_PROFILES }),
    audit: new MemoryAuditTrail(),
  });
  gateway.lockProvider('bench-job', 'ollama', 'local_llm', 'bench-corr');
  const clock = systemClock;
  const costs = new CostTracker({ clock });
  const budget = new BudgetPolicy(
    new BudgetGuard({
      budgets: { perJobUsd: 100, perProvider: { ollama: { dailyUsd: 100 } } },
      tracker: costs,
    }),
    () => ({ unit: 'free', usdPerUnit: 0 }),
  );
  const retry = new RetryPolicy(new ErrorRecoveryEngine({ clock }));
  const breaker = new BreakerPolicy(new CircuitBreakerRegistry({ clock }));
  const patience = new PatiencePolicy(gateway);
  const pipelines = {
    'pass-through': passThroughPolicy,
    budget: createCallPipeline({ budget }),
    retry: createCallPipeline({ retry }),
    breaker: createCallPipeline({ breaker }),
    patience: createCallPipeline({ patience }),
    'whole pipeline': createCallPipeline({ budget, retry, breaker, patience }),
  };
  const identity = { jobId: 'bench-job', stage: 'script', provider: 'ollama', correlationId: 'bench-corr' };
  const ctx = createCallContext(identity, {
    signal: new AbortController().signal,
    clock,
    profile: { providerType: 'local_llm', heartbeatKind: 'token_count' },
  });
  return { gateway, pipelines, ctx };
}

/**
 * Starts `n` calls through `policy`, each pushing one heartbeat and then waiting; returns the
 * calls and a function that releases them all.
 */
export function startPendingCalls(
  policy: CallPolicy,
  ctx: CallContext,
  n: number,
): { calls: Array<Promise<number>>; release: () => void } {
  const releases: Array<() => void> = [];
  const calls: Array<Promise<number>> = [];
  for (let i = 0; i < n; i++) {
    calls.push(
      policy.execute(
        (c) =>
          new Promise<number>((res) => {
            c.heartbeat({ tokens: 1 });
            releases.push(() => res(i));
          }),
        ctx,
      ),
    );
  }
  return {
    calls,
    release: () => {
      for (const r of releases) r();
    },
  };
}
