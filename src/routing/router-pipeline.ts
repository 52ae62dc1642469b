import type { HedgingConfigInput } from '../config/hedging-schema.js';
import type { CallPolicy } from '../domain/call-context.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import type { Provider } from '../domain/provider.js';
import { PatiencePolicy } from '../patience/patience-policy.js';
import { BreakerPolicy } from '../resilience/breaker-policy.js';
import { BulkheadPolicy } from '../resilience/bulkhead-policy.js';
import type { BulkheadRegistry } from '../resilience/bulkhead-registry.js';
import { createCallPipeline } from '../resilience/call-policy.js';
import { RateLimitPolicy } from '../resilience/rate-limit-policy.js';
import type { RateLimiter } from '../resilience/rate-limiter.js';
import { RetryPolicy } from '../resilience/retry-policy.js';
import { BudgetPolicy } from './budget-policy.js';
import { CallRecorder } from './call-recorder.js';
import type { FallbackPolicies } from './fallback-policies.js';
import type { HedgePlanner } from './hedge-planner.js';
import { createHedgedTurns, type HedgeWiringSource } from './hedge-wiring.js';
import type { HedgedTurns } from './hedged-turn.js';
import { MeasurePolicy } from './measure-policy.js';

/** What the router's pipeline is built from (a subset of the router's own options). */
export interface RouterPipelineSource extends HedgeWiringSource {
  rateLimiter?: RateLimiter | undefined;
  bulkheads?: BulkheadRegistry | undefined;
  hedging?: { config?: HedgingConfigInput; planner?: HedgePlanner } | undefined;
}

/** The router's composed call pipeline, and its hedged turns when hedging is configured. */
export interface RouterPipeline {
  pipeline: CallPolicy;
  hedged: HedgedTurns | undefined;
}

/**
 * Composes the router's call pipeline once (budget → retry → breaker → measure → patience, with
 * bulkhead and rate-limit steps when configured) over one call recorder, and the hedged turns
 * that share that recorder.
 */
export function createRouterPipeline(
  source: RouterPipelineSource,
  policies: FallbackPolicies,
  deps: { clock: Clock; logger: Logger },
): RouterPipeline {
  const recorder = new CallRecorder({
    clock: deps.clock,
    logger: deps.logger,
    tracker: source.tracker,
    costs: source.costs,
  });
  const providerOf = (id: string): Provider | undefined => source.registry.find(id) as Provider | undefined;
  const pipeline = createCallPipeline({
    ...(source.budget
      ? { budget: new BudgetPolicy(source.budget, (id) => source.registry.find(id)?.costModel) }
      : {}),
    retry: new RetryPolicy(source.recovery),
    breaker: new BreakerPolicy(source.breakers),
    measure: new MeasurePolicy(recorder, providerOf),
    patience: new PatiencePolicy(source.gateway, policies),
    ...(source.bulkheads ? { bulkhead: new BulkheadPolicy((id) => source.bulkheads?.get(id)) } : {}),
    ...(source.rateLimiter ? { rateLimit: new RateLimitPolicy(source.rateLimiter) } : {}),
  });
  const hedged = source.hedging
    ? createHedgedTurns(source, source.hedging, {
        clock: deps.clock,
        logger: deps.logger,
        recorder,
        providerOf,
      })
    : undefined;
  return { pipeline, hedged };
}
