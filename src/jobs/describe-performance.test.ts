import { describe, expect, it } from 'vitest';
import { type Clock, systemClock } from '../domain/clock.js';
import { CostTracker } from '../routing/cost-tracker.js';
import { HOUR_MS } from '../routing/hourly-bucket.js';
import { ProviderPerformanceTracker } from '../routing/performance-tracker.js';
import type { RoutingKit } from '../routing/routing-kit.js';
import { describeBudgets, describePerformance } from './describe-performance.js';

const clockOf = (now: { t: number }): Clock => ({ ...systemClock, now: () => now.t });

const T0 = Date.parse('2025-03-10T12:30:00Z');

function kitAt(now: { t: number }): Pick<RoutingKit, 'tracker' | 'costs'> {
  const clock = clockOf(now);
  return {
    tracker: new ProviderPerformanceTracker({ clock, random: () => 0 }),
    costs: new CostTracker({ clock }),
  };
}

describe('describePerformance', () => {
  it('gives one point per hour, a degrading latency trend and a prediction after 10 calls', async () => {
    const now = { t: T0 };
    const kit = kitAt(now);
    for (let i = 0; i < 6; i++) {
      await kit.tracker.record({
        provider: 'p',
        operation: 'x',
        startedAt: T0 - 2 * HOUR_MS,
        latencyMs: 100,
        ok: true,
      });
      await kit.tracker.record({
        provider: 'p',
        operation: 'x',
        startedAt: T0,
        latencyMs: 400,
        ok: i % 2 === 0,
      });
    }
    const view = describePerformance(kit as RoutingKit, 'p');
    expect(view.series.map((s) => [s.hour, s.calls, s.p50Ms])).toEqual([
      ['2025-03-10T10:00:00.000Z', 6, 100],
      ['2025-03-10T12:00:00.000Z', 6, 400],
    ]);
    expect(view.series[1]?.successRate).toBe(0.5);
    expect(view.trend.direction).toBe('degrading');
    expect(view.trend.changePct).toBe(300);
    expect(view.prediction?.samples).toBe(12);
    expect(view.calls).toBe(12);
    expect(describePerformance(kit as RoutingKit, 'none')).toMatchObject({
      series: [],
      prediction: null,
      p50Ms: null,
    });
  });
});

describe('describeBudgets', () => {
  it('lists each configured limit with spent and remaining (never below 0)', async () => {
    const now = { t: T0 };
    const kit = kitAt(now);
    kit.costs.record({ provider: 'a', usd: 1.5, jobId: 'j1' });
    kit.costs.record({ provider: 'a', usd: 2, jobId: 'j2', at: T0 - 5 * 24 * HOUR_MS });
    kit.costs.record({ provider: 'b', usd: 9, jobId: 'j1' });
    const budgets = { perJobUsd: 10, perProvider: { a: { dailyUsd: 1, monthlyUsd: 20 } } };
    const view = await describeBudgets({
      kit: kit as RoutingKit,
      budgets,
      providerIds: ['a', 'b'],
      runningJobIds: ['j1'],
      clock: clockOf(now),
    });
    expect(view.budgets).toEqual([
      { scope: 'job', subject: null, period: 'job', limitUsd: 10, spentUsd: 0, remainingUsd: 10 },
      { scope: 'job', subject: 'j1', period: 'job', limitUsd: 10, spentUsd: 10.5, remainingUsd: 0 },
      { scope: 'provider', subject: 'a', period: 'day', limitUsd: 1, spentUsd: 1.5, remainingUsd: 0 },
      { scope: 'provider', subject: 'a', period: 'month', limitUsd: 20, spentUsd: 3.5, remainingUsd: 16.5 },
    ]);
    expect(view.spend).toEqual([
      { provider: 'a', dayUsd: 1.5, monthUsd: 3.5 },
      { provider: 'b', dayUsd: 9, monthUsd: 9 },
    ]);
  });
});
