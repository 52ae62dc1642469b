import type { HedgingConfigInput } from '../config/hedging-schema.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import type { Provider } from '../domain/provider.js';
import type { ProviderGateway } from '../patience/provider-gateway.js';
import { BreakerPolicy } from '../resilience/breaker-policy.js';
import { createCallPipeline } from '../resilience/call-policy.js';
import type { CircuitBreakerRegistry } from '../resilience/circuit-breaker-registry.js';
import type { ErrorRecoveryEngine } from '../resilience/error-recovery-engine.js';
import { RetryPolicy } from '../resilience/retry-policy.js';
import type { BudgetGuard } from './budget.js';
import { BudgetPolicy } from './budget-policy.js';
import type { CallRecorder } from './call-recorder.js';
import type { CostTracker } from './cost-tracker.js';
import { HedgePlanner } from './hedge-planner.js';
import { HedgedTurns } from './hedged-turn.js';
import { MeasurePolicy } from './measure-policy.js';
import type { ProviderPerformanceTracker } from './performance-tracker.js';
import type { ProviderDirectory } from './provider-catalog.js';
import type { ProviderSelectionEngine } from './selection-engine.js';

/** What the router hands over to build hedging (a subset of its own options). */
export interface HedgeWiringSource {
  gateway: ProviderGateway;
  registry: ProviderDirectory;
  selection: ProviderSelectionEngine;
  recovery: ErrorRecoveryEngine;
  breakers: CircuitBreakerRegistry;
  tracker?: ProviderPerformanceTracker | undefined;
  costs?: CostTracker | undefined;
  budget?: BudgetGuard | undefined;
  /** Providers never picked automatically (degradations): never a hedge target. */
  neverAutoSelect?: readonly string[] | undefined;
}

/**
 * Builds the router's {@link HedgedTurns}: a planner over the tracker's first-token samples, the
 * budgets and the selection engine's best alternative (unless one is given), and the pipeline
 * for hedges on another provider (budget → retry → breaker → measure; no patience, the job's
 * lock names the primary until the hedge wins).
 */
export function createHedgedTurns(
  source: HedgeWiringSource,
  hedging: { config?: HedgingConfigInput; planner?: HedgePlanner },
  deps: {
    clock: Clock;
    logger: Logger;
    recorder: CallRecorder;
    providerOf: (id: string) => Provider | undefined;
  },
): HedgedTurns {
  const costModelOf = (id: string) => source.registry.find(id)?.costModel;
  const planner =
    hedging.planner ??
    new HedgePlanner({
      ...(source.tracker ? { tracker: source.tracker } : {}),
      ...(source.budget ? { budget: source.budget } : {}),
      costModelOf,
      canDeleteJob: (id) => source.registry.find(id)?.capabilities.canDeleteJob === true,
      bestAlternative: (jobId, stage, provider) => {
        const spec = source.registry.find(provider);
        if (!spec) return undefined;
        const { candidates } = source.selection.selectProviders({
          kind: spec.kind,
          stage,
          jobId,
          exclude: [provider, ...(source.neverAutoSelect ?? [])],
        });
        return candidates[0]?.provider;
      },
    });
  const alternativePipeline = createCallPipeline({
    ...(source.budget ? { budget: new BudgetPolicy(source.budget, costModelOf) } : {}),
    retry: new RetryPolicy(source.recovery),
    breaker: new BreakerPolicy(source.breakers),
    measure: new MeasurePolicy(deps.recorder, deps.providerOf),
  });
  return new HedgedTurns({
    ...(hedging.config ? { config: hedging.config } : {}),
    planner,
    alternativePipeline,
    gateway: source.gateway,
    registry: source.registry,
    ...(source.costs ? { costs: source.costs } : {}),
    clock: deps.clock,
    logger: deps.logger,
  });
}
