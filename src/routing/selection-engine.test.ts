import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProviderSpec } from '../domain/provider.js';
import { BudgetGuard } from './budget.js';
import { CostTracker } from './cost-tracker.js';
import { HealthMonitor } from './health-monitor.js';
import { JobFailureHistory } from './job-failure-history.js';
import { ProviderPerformanceTracker } from './performance-tracker.js';
import type { ProviderHealth } from './provider-health.js';
import {
  type HealthSource,
  ProviderSelectionEngine,
  type SelectionEngineOptions,
  toAlternatives,
} from './selection-engine.js';
import type { SelectionRequest } from './selection-types.js';
import { DEFAULT_SELECTION_WEIGHTS } from './selection-weights.js';
import { catalogOf, fakeProvider } from './test-providers.js';

const T0 = Date.UTC(2026, 4, 1, 9, 0, 0);
const req: SelectionRequest = { kind: 'tts', stage: 'narration', jobId: 'job_1' };

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());

function engineOf(providers: ProviderSpec[], options: Partial<SelectionEngineOptions> = {}) {
  return new ProviderSelectionEngine({ catalog: catalogOf(providers), ...options });
}

describe('ProviderSelectionEngine scoring', () => {
  it('scores an untried provider from the documented neutral defaults (91.4)', () => {
    const { candidates } = engineOf([fakeProvider('a')]).selectProviders(req);
    const a = candidates[0];
    // base 75/75·.20 + health 30/30·.25 + perf 18/25·.20 + cost 15/15·.10 + rel 14.5/15·.15 + ctx 10/10·.05 + biz 5/10·.05
    expect(a?.score).toBeCloseTo(20 + 25 + 14.4 + 10 + 14.5 + 5 + 2.5, 10);
    expect(a?.components.performance).toMatchObject({ value: 18, max: 25, weight: 0.2 });
    expect(a?.components.performance.weighted).toBeCloseTo(14.4, 10);
    expect(a?.reasons).toContain('base 75.0/75: priority 1');
    expect(a?.reasons.some((r) => r.startsWith('health 30.0/30: not checked yet'))).toBe(true);
  });

  it('uses tracker metrics, monitor health and job failures (worked numbers)', async () => {
    const provider = fakeProvider('a', {
      healthCheck: async () => ({ healthy: true, latencyMs: 1200, message: 'ok' }),
    });
    const catalog = catalogOf([provider]);
    const tracker = new ProviderPerformanceTracker();
    for (let i = 0; i < 10; i += 1) {
      await tracker.record({
        provider: 'a',
        operation: 'synthesize',
        startedAt: T0,
        latencyMs: 30_000,
        ok: i >= 2,
      });
    }
    const monitor = new HealthMonitor({ catalog });
    await monitor.checkNow('a');
    const failures = new JobFailureHistory();
    failures.recordFailure('job_1', 'script', 'a', 'timeout'); // another stage: not excluded, lowers reliability
    const engine = new ProviderSelectionEngine({ catalog, metrics: tracker, health: monitor, failures });
    const a = engine.selectProviders(req).candidates[0];
    // health: 30 + (100 − 95)·0.5 − 20·0.3 − (1200 − 1000)·0.01 = 24.5
    expect(a?.components.health.value).toBeCloseTo(24.5, 10);
    expect(a?.reasons).toContain('health 24.5/30: 100 % uptime, 1200 ms, 20 % errors');
    // performance: 80·0.2 + (120 − 30)·0.1 = 25
    expect(a?.components.performance.value).toBeCloseTo(25, 10);
    // reliability: 10 − 5·1 + 0.8·5 = 9
    expect(a?.components.reliability.value).toBeCloseTo(9, 10);
  });

  it('cost compares against the most expensive candidate', () => {
    const cheap = fakeProvider('cheap', { costModel: { unit: 'character', usdPerUnit: 0.0001 } });
    const dear = fakeProvider('dear', { costModel: { unit: 'character', usdPerUnit: 0.0004 } });
    const { candidates } = engineOf([cheap, dear]).selectProviders({
      ...req,
      estimatedUsage: { characters: 1000 },
    });
    const byId = Object.fromEntries(candidates.map((c) => [c.provider, c]));
    expect(byId.cheap?.components.cost.value).toBeCloseTo(11.25, 10); // (0.4 − 0.1)/0.4·15
    expect(byId.dear?.components.cost.value).toBe(0);
    expect(byId.cheap?.estimatedCostUsd).toBeCloseTo(0.1, 10);
    expect(candidates[0]?.provider).toBe('cheap');
  });

  it('prioritize cost flips a priority-1 expensive provider below a priority-4 free one', () => {
    const dear = fakeProvider('dear', { priority: 1, costModel: { unit: 'image', usdPerUnit: 1 } });
    const free = fakeProvider('free', { priority: 4 });
    const engine = engineOf([dear, free]);
    const balanced = engine.selectProviders({ ...req, estimatedUsage: { images: 1 } });
    expect(balanced.candidates.map((c) => [c.provider, Math.round(c.score * 10) / 10])).toEqual([
      ['dear', 81.4],
      ['free', 79.4],
    ]);
    const cost = engine.selectProviders({
      ...req,
      estimatedUsage: { images: 1 },
      criteria: { prioritize: 'cost' },
    });
    expect(cost.candidates.map((c) => [c.provider, Math.round(c.score * 10) / 10])).toEqual([
      ['free', 88.2],
      ['dear', 64.2],
    ]);
    expect(cost.weights.cost).toBeCloseTo(0.3, 10);
  });

  it('configured weights merge over the defaults without touching the caller objects', () => {
    const weights = { base: 0 };
    const engine = engineOf([fakeProvider('a', { priority: 1 }), fakeProvider('b', { priority: 5 })], {
      weights,
    });
    const { candidates } = engine.selectProviders(req);
    expect(candidates[0]?.score).toBeCloseTo(candidates[1]?.score ?? -1, 10); // base no longer matters
    expect(candidates.map((c) => c.provider)).toEqual(['a', 'b']); // ties broken by priority
    expect(weights).toEqual({ base: 0 });
    expect(DEFAULT_SELECTION_WEIGHTS.base).toBe(0.2);
  });

  it('toAlternatives maps candidates for decision events', () => {
    const { candidates } = engineOf([fakeProvider('a')]).selectProviders(req);
    expect(toAlternatives(candidates)[0]).toMatchObject({ provider: 'a', score: 91.4 });
  });
});

describe('ProviderSelectionEngine exclusions', () => {
  const ids = (r: { candidates: { provider: string }[] }) => r.candidates.map((c) => c.provider);

  it('only the requested kind is considered', () => {
    const r = engineOf([fakeProvider('a'), fakeProvider('llm', { kind: 'llm' })]).selectProviders(req);
    expect(ids(r)).toEqual(['a']);
    expect(r.excluded).toEqual([]);
  });

  it('excludes providers the request excludes', () => {
    const engine = engineOf([fakeProvider('a'), fakeProvider('b')]);
    expect(ids(engine.selectProviders(req))).toEqual(['a', 'b']);
    const r = engine.selectProviders({ ...req, exclude: ['a'] });
    expect(ids(r)).toEqual(['b']);
    expect(r.excluded).toEqual([{ provider: 'a', code: 'requested', reason: 'excluded by the request' }]);
  });

  it('excludes providers whose breaker is open', () => {
    const open = new Set<string>();
    const engine = engineOf([fakeProvider('a'), fakeProvider('b')], {
      breakers: { isOpen: (id) => open.has(id) },
    });
    expect(ids(engine.selectProviders(req))).toEqual(['a', 'b']);
    open.add('a');
    const r = engine.selectProviders(req);
    expect(ids(r)).toEqual(['b']);
    expect(r.excluded[0]).toMatchObject({ provider: 'a', code: 'circuit-open' });
  });

  it('excludes providers that failed in this job and stage, not in other jobs', () => {
    const failures = new JobFailureHistory();
    const engine = engineOf([fakeProvider('a'), fakeProvider('b')], { failures });
    failures.recordFailure('job_2', 'narration', 'a', 'rate_limit');
    expect(ids(engine.selectProviders(req))).toEqual(['a', 'b']);
    failures.recordFailure('job_1', 'narration', 'a', 'rate_limit');
    const r = engine.selectProviders(req);
    expect(ids(r)).toEqual(['b']);
    expect(r.excluded[0]?.reason).toBe('A already failed in this job at stage narration (rate_limit)');
  });

  it('excludes providers lacking a required feature (case-insensitive)', () => {
    const engine = engineOf([fakeProvider('a', { capabilities: { features: ['SSML'] } }), fakeProvider('b')]);
    const r = engine.selectProviders({ ...req, requiredFeatures: ['ssml'] });
    expect(ids(r)).toEqual(['a']);
    expect(r.excluded[0]).toMatchObject({
      provider: 'b',
      code: 'missing-feature',
      reason: 'lacks required feature(s): ssml',
    });
  });

  it('excludes providers listing other languages; unlisted means any', () => {
    const engine = engineOf([
      fakeProvider('en', { capabilities: { languages: ['en'] } }),
      fakeProvider('any'),
      fakeProvider('fr', { capabilities: { languages: ['fr'] } }),
    ]);
    const r = engine.selectProviders({ ...req, language: 'en-GB' });
    expect(ids(r)).toEqual(['en', 'any']); // listed match scores context 10, unlisted 8
    expect(r.excluded).toEqual([
      { provider: 'fr', code: 'language', reason: 'does not support language en-GB' },
    ]);
  });

  it('excludes providers above the request maxCostUsd', () => {
    const engine = engineOf([
      fakeProvider('a', { costModel: { unit: 'image', usdPerUnit: 0.5 } }),
      fakeProvider('b'),
    ]);
    const usage = { images: 2 };
    const atLimit = engine.selectProviders({
      ...req,
      estimatedUsage: usage,
      businessRules: { maxCostUsd: 1 },
    });
    expect(ids(atLimit)).toEqual(['b', 'a']); // free b outranks a on cost
    expect(atLimit.excluded).toEqual([]);
    const r = engine.selectProviders({ ...req, estimatedUsage: usage, businessRules: { maxCostUsd: 0.99 } });
    expect(ids(r)).toEqual(['b']);
    expect(r.excluded[0]?.code).toBe('max-cost');
  });

  it('excludes providers whose call would exceed a budget', () => {
    const tracker = new CostTracker();
    const budget = new BudgetGuard({ budgets: { perProvider: { a: { dailyUsd: 1 } } }, tracker });
    const engine = engineOf(
      [fakeProvider('a', { costModel: { unit: 'image', usdPerUnit: 0.5 } }), fakeProvider('b')],
      {
        budget,
      },
    );
    const usage = { images: 1 };
    tracker.record({ provider: 'a', usd: 0.5 });
    expect(ids(engine.selectProviders({ ...req, estimatedUsage: usage }))).toEqual(['b', 'a']); // up to the limit
    tracker.record({ provider: 'a', usd: 0.01 });
    const r = engine.selectProviders({ ...req, estimatedUsage: usage });
    expect(ids(r)).toEqual(['b']);
    expect(r.excluded[0]).toMatchObject({ provider: 'a', code: 'budget' });
    expect(r.excluded[0]?.reason).toContain('daily budget');
  });
});

describe('ProviderSelectionEngine caching', () => {
  it('reuses health and metrics for 60 s (59 999 ms: cached; 60 000 ms: refreshed)', () => {
    let health: ProviderHealth = {
      provider: 'a',
      healthy: true,
      lastCheckedAt: T0,
      latencyMs: 10,
      message: 'ok',
      uptime: 1,
      consecutiveFailures: 0,
      checks: 1,
    };
    const source: HealthSource = { getHealth: () => health };
    const spy = vi.spyOn(source, 'getHealth');
    const engine = engineOf([fakeProvider('a')], { health: source });
    expect(engine.selectProviders(req).candidates[0]?.components.health.value).toBe(30);
    health = { ...health, healthy: false, message: 'down' };
    vi.setSystemTime(T0 + 59_999);
    expect(engine.selectProviders(req).candidates[0]?.components.health.value).toBe(30);
    expect(spy).toHaveBeenCalledTimes(1);
    vi.setSystemTime(T0 + 60_000);
    expect(engine.selectProviders(req).candidates[0]?.components.health.value).toBe(0);
    expect(spy).toHaveBeenCalledTimes(2);
    health = { ...health, healthy: true };
    engine.invalidate('a');
    expect(engine.selectProviders(req).candidates[0]?.components.health.value).toBe(30);
  });
});
