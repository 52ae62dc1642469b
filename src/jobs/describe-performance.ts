import type { Clock } from '../domain/clock.js';
import type { Budgets } from '../routing/budget.js';
import type { RoutingKit } from '../routing/routing-kit.js';
import type { BudgetsView, BudgetView, ProviderPerformanceView } from './reelay-service.js';

const round = (n: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/**
 * A provider's last 24 h from the router's performance tracker: one point per hour with calls
 * (p50/p95, success rate), the latency trend (polarity applied) and the prediction.
 */
export function describePerformance(kit: RoutingKit, providerId: string): ProviderPerformanceView {
  const { tracker } = kit;
  const total = tracker.getMetrics(providerId, '24h');
  const trend = tracker.getTrend(providerId, 'latency', '24h');
  const prediction = tracker.predict(providerId);
  const hasCalls = total.calls > 0;
  return {
    provider: providerId,
    window: '24h',
    series: tracker.getHourlyMetrics(providerId, '24h').map((m) => ({
      hour: new Date(m.hourStart).toISOString(),
      calls: m.calls,
      successRate: round(m.successRate, 4),
      p50Ms: Math.round(m.p50Ms),
      p95Ms: Math.round(m.p95Ms),
    })),
    calls: total.calls,
    successRate: hasCalls ? round(total.successRate, 4) : null,
    p50Ms: hasCalls ? Math.round(total.p50Ms) : null,
    p95Ms: hasCalls ? Math.round(total.p95Ms) : null,
    trend: {
      direction: trend.direction,
      changePct: round(trend.changePct),
      confidence: round(trend.confidence, 3),
      points: trend.points,
    },
    prediction: prediction
      ? {
          failureRate: round(prediction.failureRate, 4),
          responseTimeMs: Math.round(prediction.responseTimeMs),
          optimalLoad: round(prediction.optimalLoad, 3),
          confidence: round(prediction.confidence, 3),
          samples: prediction.samples,
        }
      : null,
  };
}

/** What {@link describeBudgets} needs. */
export interface BudgetSources {
  kit: RoutingKit;
  budgets: Budgets;
  /** Every registered provider id (spend is listed for each). */
  providerIds: readonly string[];
  /** Jobs running now, whose spend is compared with the per-job limit. */
  runningJobIds: readonly string[];
  clock: Clock;
}

/**
 * Configured budgets with spend so far. With a durable spend store the totals are read from it (what
 * every process sharing the database spent, also before a restart), else from memory.
 */
export async function describeBudgets(sources: BudgetSources): Promise<BudgetsView> {
  const { kit, budgets, clock } = sources;
  const store = kit.costs.store;
  const now = new Date(clock.now());
  const dayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const providerSpent = async (provider: string, period: 'day' | 'month'): Promise<number> => {
    if (!store) return kit.costs.spent({ provider, period });
    return store.total({ provider, sinceMs: period === 'day' ? dayStart : monthStart });
  };
  const jobSpent = async (jobId: string): Promise<number> =>
    store ? store.total({ jobId }) : kit.costs.spent({ jobId });
  const view = (
    scope: BudgetView['scope'],
    subject: string | null,
    period: BudgetView['period'],
    limitUsd: number,
    spent: number,
  ): BudgetView => ({
    scope,
    subject,
    period,
    limitUsd,
    spentUsd: round(spent, 4),
    remainingUsd: round(Math.max(0, limitUsd - spent), 4),
  });
  const result: BudgetView[] = [];
  if (budgets.perJobUsd !== undefined) {
    result.push(view('job', null, 'job', budgets.perJobUsd, 0));
    for (const jobId of sources.runningJobIds) {
      result.push(view('job', jobId, 'job', budgets.perJobUsd, await jobSpent(jobId)));
    }
  }
  for (const [provider, limits] of Object.entries(budgets.perProvider ?? {})) {
    if (limits.dailyUsd !== undefined) {
      result.push(view('provider', provider, 'day', limits.dailyUsd, await providerSpent(provider, 'day')));
    }
    if (limits.monthlyUsd !== undefined) {
      result.push(
        view('provider', provider, 'month', limits.monthlyUsd, await providerSpent(provider, 'month')),
      );
    }
  }
  const spend: BudgetsView['spend'] = [];
  for (const provider of sources.providerIds) {
    spend.push({
      provider,
      dayUsd: round(await providerSpent(provider, 'day'), 4),
      monthUsd: round(await providerSpent(provider, 'month'), 4),
    });
  }
  return { budgets: result, spend };
}
