import type { HedgeTarget, ResolvedHedgeSettings } from '../config/hedging-schema.js';
import type { FallbackPolicy } from '../domain/fallback.js';
import type { CostModel, Usage } from '../domain/provider.js';
import type { BudgetGuard } from './budget.js';
import { estimateCallCost } from './cost-model.js';
import type { ProviderPerformanceTracker } from './performance-tracker.js';
import { clamp, percentile } from './stats.js';

/** Why a call is not hedged (also logged, so an operator can see why a setting had no effect). */
export type HedgeRefusal =
  | 'not-enabled'
  | 'policy-ask'
  | 'policy-off'
  | 'async-job'
  | 'no-alternative'
  | 'over-budget';

/** Where the hedge delay came from. */
export type HedgeDelaySource = 'configured' | 'measured-p95' | 'fallback';

/** The planner's answer for one call. */
export type HedgeDecision =
  | { readonly hedge: false; readonly why: HedgeRefusal; readonly detail?: string }
  | {
      readonly hedge: true;
      readonly delayMs: number;
      readonly delaySource: HedgeDelaySource;
      /** Provider id the hedge runs on (the primary's own id for `same`). */
      readonly to: string;
      readonly target: HedgeTarget;
      /** Why `alternative` became `same` (output already delivered), when it did. */
      readonly narrowed?: 'continues-output';
    };

/** One call, as the planner needs to see it. */
export interface HedgeQuery {
  readonly settings: ResolvedHedgeSettings;
  readonly policy: FallbackPolicy;
  readonly jobId: string;
  readonly stage: string;
  /** The primary's provider id. */
  readonly provider: string;
  readonly estimatedUsage?: Usage;
  /** The call starts a remote job with side effects (async render): not hedged unless deletable. */
  readonly asyncJob?: boolean;
  /**
   * The call continues output the viewer already has (narration after its first scene): a hedge
   * there may only go to the same deployment, never to another voice or model.
   */
  readonly continuesOutput?: boolean;
}

/** What the planner reads. */
export interface HedgePlannerDeps {
  /** Time-to-first-token samples (recent calls). */
  readonly tracker?: Pick<ProviderPerformanceTracker, 'recent'>;
  readonly budget?: Pick<BudgetGuard, 'checkBudget'>;
  readonly costModelOf?: (provider: string) => CostModel | undefined;
  /** The selection engine's best alternative to `provider` for the stage, if any. */
  readonly bestAlternative?: (jobId: string, stage: string, provider: string) => string | undefined;
  /**
   * Whether an async provider's adapter deletes its remote job when aborted (its
   * `capabilities.canDeleteJob`). Asked of the primary and of the hedge target: either may lose.
   * @default never
   */
  readonly canDeleteJob?: (provider: string) => boolean;
}

/**
 * The p95 of a provider's recent times to first progress (successful calls only), or undefined
 * with fewer than `minSamples` samples. Nearest-rank rule of `stats.percentile`.
 */
export function measuredFirstTokenP95(
  tracker: Pick<ProviderPerformanceTracker, 'recent'> | undefined,
  provider: string,
  minSamples: number,
): number | undefined {
  const samples = (tracker?.recent(provider) ?? [])
    .filter((c) => c.ok && c.timeToFirstProgressMs !== undefined)
    .map((c) => ({ value: c.timeToFirstProgressMs as number, weight: 1 }));
  if (samples.length < minSamples) return undefined;
  return percentile(samples, 0.95);
}

/**
 * Decides whether a call is hedged, when, and where — the rules of docs/hedging.md:
 * opt-in only; never under `ask` (a hedge to anything would be a silent switch) nor `off`; never
 * for an async job unless its adapter can delete the loser's job; `alternative` narrows to `same`
 * when the call continues delivered output; no hedge when the hedge target's estimated cost would
 * break a budget. Delay: `afterMs`, else the measured p95 clamped to [minDelayMs, maxDelayMs],
 * else `fallbackDelayMs`.
 */
export class HedgePlanner {
  constructor(private readonly deps: HedgePlannerDeps = {}) {}

  plan(query: HedgeQuery): HedgeDecision {
    const { settings, policy } = query;
    if (!settings.enabled) return { hedge: false, why: 'not-enabled' };
    if (policy === 'ask') return { hedge: false, why: 'policy-ask' };
    if (policy === 'off') return { hedge: false, why: 'policy-off' };
    if (query.asyncJob && !this.deletable(query.provider)) return { hedge: false, why: 'async-job' };
    let target = settings.hedgeTo;
    const narrowed = target === 'alternative' && query.continuesOutput === true;
    if (narrowed) target = 'same';
    let to = query.provider;
    if (target === 'alternative') {
      const alternative = this.deps.bestAlternative?.(query.jobId, query.stage, query.provider);
      if (alternative === undefined) return { hedge: false, why: 'no-alternative' };
      if (query.asyncJob && !this.deletable(alternative))
        return { hedge: false, why: 'async-job', detail: `${alternative} cannot delete a losing job` };
      to = alternative;
    }
    const refusal = this.budgetRefusal(query, to);
    if (refusal !== undefined) return { hedge: false, why: 'over-budget', detail: refusal };
    const { delayMs, delaySource } = this.delayOf(settings, query.provider);
    return {
      hedge: true,
      delayMs,
      delaySource,
      to,
      target,
      ...(narrowed ? { narrowed: 'continues-output' as const } : {}),
    };
  }

  /** The budget's reason when one more call to `provider` would break a budget, else undefined. */
  budgetRefusal(query: Pick<HedgeQuery, 'jobId' | 'estimatedUsage'>, provider: string): string | undefined {
    const { budget, costModelOf } = this.deps;
    if (!budget) return undefined;
    const model = costModelOf?.(provider);
    const estimatedUsd = model ? estimateCallCost(model, query.estimatedUsage) : 0;
    const check = budget.checkBudget({ jobId: query.jobId, provider, estimatedUsd });
    return check.ok ? undefined : check.reason;
  }

  private deletable(provider: string): boolean {
    return this.deps.canDeleteJob?.(provider) ?? false;
  }

  private delayOf(
    settings: ResolvedHedgeSettings,
    provider: string,
  ): { delayMs: number; delaySource: HedgeDelaySource } {
    if (settings.afterMs !== undefined) return { delayMs: settings.afterMs, delaySource: 'configured' };
    const p95 = measuredFirstTokenP95(this.deps.tracker, provider, settings.minSamples);
    if (p95 === undefined) return { delayMs: settings.fallbackDelayMs, delaySource: 'fallback' };
    return {
      delayMs: clamp(p95, settings.minDelayMs, Math.max(settings.minDelayMs, settings.maxDelayMs)),
      delaySource: 'measured-p95',
    };
  }
}
