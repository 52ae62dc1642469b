import { describe, expect, it } from 'vitest';
import {
  HEDGE_DEFAULTS,
  type HedgeSettingsInput,
  type ResolvedHedgeSettings,
  resolveHedgeSettings,
} from '../config/hedging-schema.js';
import type { FallbackPolicy } from '../domain/fallback.js';
import type { CostModel } from '../domain/provider.js';
import { BudgetGuard } from './budget.js';
import type { CallRecord } from './call-record.js';
import { CostTracker } from './cost-tracker.js';
import {
  HedgePlanner,
  type HedgePlannerDeps,
  type HedgeQuery,
  measuredFirstTokenP95,
} from './hedge-planner.js';

const on = (over: Partial<ResolvedHedgeSettings> = {}): ResolvedHedgeSettings => ({
  ...HEDGE_DEFAULTS,
  enabled: true,
  ...over,
});

const query = (over: Partial<HedgeQuery> = {}): HedgeQuery => ({
  settings: on(),
  policy: 'auto',
  jobId: 'job_1',
  stage: 'script',
  provider: 'alpha',
  ...over,
});

/** Recent calls whose first-token times are `ttfts`. */
const trackerOf = (ttfts: number[]) => ({
  recent: (provider: string): CallRecord[] =>
    ttfts.map((t) => ({
      provider,
      operation: 'llm',
      startedAt: 0,
      latencyMs: t + 10,
      ok: true,
      timeToFirstProgressMs: t,
    })),
});

describe('HedgePlanner: when not to hedge', () => {
  it('not enabled: no hedge (hedging is opt-in)', () => {
    expect(new HedgePlanner().plan(query({ settings: HEDGE_DEFAULTS }))).toEqual({
      hedge: false,
      why: 'not-enabled',
    });
  });

  it.each<[FallbackPolicy, string]>([
    ['ask', 'policy-ask'],
    ['off', 'policy-off'],
  ])('never under %s, neither to the same deployment nor to an alternative', (policy, why) => {
    const planner = new HedgePlanner({ bestAlternative: () => 'beta' });
    for (const hedgeTo of ['same', 'alternative'] as const) {
      expect(planner.plan(query({ policy, settings: on({ hedgeTo }) }))).toEqual({ hedge: false, why });
    }
  });

  it('an async job is not hedged unless its adapter can delete the loser’s job', () => {
    const q = query({ asyncJob: true, provider: 'runway' });
    expect(new HedgePlanner().plan(q)).toMatchObject({ hedge: false, why: 'async-job' });
    expect(new HedgePlanner({ canDeleteJob: (p) => p === 'runway' }).plan(q)).toMatchObject({ hedge: true });
  });

  it('an async job hedged to an alternative needs both adapters to delete (either may lose)', () => {
    const q = query({ asyncJob: true, provider: 'runway', settings: on({ hedgeTo: 'alternative' }) });
    const only = new HedgePlanner({ bestAlternative: () => 'heygen', canDeleteJob: (p) => p === 'runway' });
    expect(only.plan(q)).toMatchObject({ hedge: false, why: 'async-job' });
    const both = new HedgePlanner({ bestAlternative: () => 'heygen', canDeleteJob: () => true });
    expect(both.plan(q)).toMatchObject({ hedge: true, to: 'heygen' });
  });

  it('alternative with no alternative available: no hedge', () => {
    const planner = new HedgePlanner({ bestAlternative: () => undefined });
    expect(planner.plan(query({ settings: on({ hedgeTo: 'alternative' }) }))).toMatchObject({
      hedge: false,
      why: 'no-alternative',
    });
  });

  it('narration after its first scene: an alternative hedge narrows to the same deployment', () => {
    const planner = new HedgePlanner({ bestAlternative: () => 'beta' });
    const plan = planner.plan(
      query({ stage: 'narration', continuesOutput: true, settings: on({ hedgeTo: 'alternative' }) }),
    );
    expect(plan).toMatchObject({ hedge: true, to: 'alpha', target: 'same', narrowed: 'continues-output' });
    expect(
      planner.plan(query({ stage: 'narration', settings: on({ hedgeTo: 'alternative' }) })),
    ).toMatchObject({ hedge: true, to: 'beta', target: 'alternative' });
  });
});

describe('HedgePlanner: budgets', () => {
  const priced: Record<string, CostModel> = {
    alpha: { unit: 'request', usdPerUnit: 0.1 },
    beta: { unit: 'request', usdPerUnit: 0.5 },
  };
  const deps = (costs: CostTracker): HedgePlannerDeps => ({
    budget: new BudgetGuard({ budgets: { perJobUsd: 1 }, tracker: costs }),
    costModelOf: (id) => priced[id],
    bestAlternative: () => 'beta',
  });

  it('no hedge when the alternative’s estimated cost would break the job budget; the reason is kept', () => {
    const costs = new CostTracker();
    costs.record({ provider: 'alpha', jobId: 'job_1', usd: 0.6 });
    const plan = new HedgePlanner(deps(costs)).plan(query({ settings: on({ hedgeTo: 'alternative' }) }));
    expect(plan).toMatchObject({ hedge: false, why: 'over-budget' });
    expect(plan.hedge === false && plan.detail).toContain('Job job_1 would exceed its budget');
  });

  it('exactly at the limit is allowed (0.5 spent + 0.5 estimate = 1.0)', () => {
    const costs = new CostTracker();
    costs.record({ provider: 'alpha', jobId: 'job_1', usd: 0.5 });
    const plan = new HedgePlanner(deps(costs)).plan(query({ settings: on({ hedgeTo: 'alternative' }) }));
    expect(plan).toMatchObject({ hedge: true, to: 'beta' });
  });

  it('a same-deployment hedge is priced on the same provider', () => {
    const costs = new CostTracker();
    costs.record({ provider: 'alpha', jobId: 'job_1', usd: 0.95 });
    expect(new HedgePlanner(deps(costs)).plan(query())).toMatchObject({ hedge: false, why: 'over-budget' });
  });
});

describe('HedgePlanner: the delay', () => {
  it('afterMs wins over any measurement', () => {
    const planner = new HedgePlanner({ tracker: trackerOf(Array(20).fill(300)) });
    expect(planner.plan(query({ settings: on({ afterMs: 800 }) }))).toMatchObject({
      delayMs: 800,
      delaySource: 'configured',
    });
  });

  it('fewer than minSamples first-token times: the fallback delay', () => {
    const planner = new HedgePlanner({ tracker: trackerOf(Array(9).fill(300)) });
    expect(planner.plan(query())).toMatchObject({ delayMs: 2000, delaySource: 'fallback' });
  });

  it('the measured p95 (nearest rank) at minSamples', () => {
    // 20 samples 100..2000: rank ceil(0.95·20) = 19 → 1900.
    const ttfts = Array.from({ length: 20 }, (_, i) => (i + 1) * 100);
    expect(measuredFirstTokenP95(trackerOf(ttfts), 'alpha', 10)).toBe(1900);
    expect(new HedgePlanner({ tracker: trackerOf(ttfts) }).plan(query())).toMatchObject({
      delayMs: 1900,
      delaySource: 'measured-p95',
    });
  });

  it('a measured p95 is clamped to [minDelayMs, maxDelayMs] (a provider slow half the time)', () => {
    const slowHalf = [...Array(10).fill(400), ...Array(10).fill(20_000)];
    expect(new HedgePlanner({ tracker: trackerOf(slowHalf) }).plan(query())).toMatchObject({
      delayMs: 10_000,
    });
    expect(new HedgePlanner({ tracker: trackerOf(Array(10).fill(5)) }).plan(query())).toMatchObject({
      delayMs: 100,
    });
  });

  it('failed calls and calls without a first token are not samples', () => {
    const tracker = {
      recent: (): CallRecord[] => [
        ...Array(10).fill({ provider: 'a', operation: 'llm', startedAt: 0, latencyMs: 5, ok: false }),
        ...Array(10).fill({ provider: 'a', operation: 'llm', startedAt: 0, latencyMs: 5, ok: true }),
      ],
    };
    expect(measuredFirstTokenP95(tracker, 'a', 1)).toBeUndefined();
  });
});

describe('resolveHedgeSettings', () => {
  const config = {
    default: { fallbackDelayMs: 1500 },
    modelGroups: { chat: { enabled: true, hedgeTo: 'alternative' as const } },
    stages: { script: { enabled: true, afterMs: 900 } },
  };

  it('off unless a scope enables it; defaults fill the rest', () => {
    expect(resolveHedgeSettings(undefined, {})).toEqual(HEDGE_DEFAULTS);
    expect(resolveHedgeSettings(config, { stage: 'narration' })).toMatchObject({
      enabled: false,
      fallbackDelayMs: 1500,
    });
  });

  it('narrower scopes override broader ones: default → model group → stage → job → request', () => {
    expect(resolveHedgeSettings(config, { modelGroup: 'chat' })).toMatchObject({
      enabled: true,
      hedgeTo: 'alternative',
    });
    expect(resolveHedgeSettings(config, { stage: 'script' })).toMatchObject({ enabled: true, afterMs: 900 });
    const job: HedgeSettingsInput = { afterMs: 700 };
    const request: HedgeSettingsInput = { enabled: false };
    expect(resolveHedgeSettings(config, { stage: 'script', job })).toMatchObject({ afterMs: 700 });
    expect(resolveHedgeSettings(config, { stage: 'script', job, request })).toMatchObject({
      enabled: false,
      afterMs: 700,
    });
  });

  it('setting afterMs in a scope enables hedging there', () => {
    expect(resolveHedgeSettings(undefined, { request: { afterMs: 800 } })).toMatchObject({
      enabled: true,
      afterMs: 800,
    });
  });
});
