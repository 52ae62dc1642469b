import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReelayError } from '../domain/errors.js';
import { BudgetExceededError, BudgetGuard } from './budget.js';
import { estimateCost, isFree } from './cost-model.js';
import { CostTracker, utcDay } from './cost-tracker.js';

describe('estimateCost', () => {
  it('prices every unit', () => {
    const usage = {
      inputTokens: 2000,
      outputTokens: 1000,
      characters: 500,
      images: 3,
      seconds: 12,
      requests: 2,
    };
    expect(estimateCost({ unit: 'free', usdPerUnit: 5 }, usage)).toBe(0);
    expect(estimateCost({ unit: 'token_1k', usdPerUnit: 0.5, outputUsdPerUnit: 1.5 }, usage)).toBeCloseTo(
      2.5,
      10,
    );
    expect(estimateCost({ unit: 'token_1k', usdPerUnit: 0.5 }, usage)).toBeCloseTo(1.5, 10);
    expect(estimateCost({ unit: 'character', usdPerUnit: 0.0003 }, usage)).toBeCloseTo(0.15, 10);
    expect(estimateCost({ unit: 'image', usdPerUnit: 0.04 }, usage)).toBeCloseTo(0.12, 10);
    expect(estimateCost({ unit: 'video_second', usdPerUnit: 0.05 }, usage)).toBeCloseTo(0.6, 10);
    expect(estimateCost({ unit: 'audio_second', usdPerUnit: 0.01 }, usage)).toBeCloseTo(0.12, 10);
    expect(estimateCost({ unit: 'request', usdPerUnit: 0.1 }, usage)).toBeCloseTo(0.2, 10);
  });

  it('counts missing usage as 0, except one request for request pricing', () => {
    expect(estimateCost({ unit: 'character', usdPerUnit: 1 }, {})).toBe(0);
    expect(estimateCost({ unit: 'token_1k', usdPerUnit: 1 }, { outputTokens: 500 })).toBe(0.5);
    expect(estimateCost({ unit: 'request', usdPerUnit: 0.1 }, {})).toBe(0.1);
  });

  it('refuses negative prices and knows free models', () => {
    expect(() => estimateCost({ unit: 'image', usdPerUnit: -1 }, { images: 1 })).toThrow(ReelayError);
    expect(isFree({ unit: 'free', usdPerUnit: 0 })).toBe(true);
    expect(isFree({ unit: 'image', usdPerUnit: 0 })).toBe(true);
    expect(isFree({ unit: 'token_1k', usdPerUnit: 0, outputUsdPerUnit: 0.1 })).toBe(false);
  });
});

describe('CostTracker', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.UTC(2026, 0, 31, 23, 0, 0));
  });
  afterEach(() => vi.useRealTimers());

  it('sums per job, provider, day and month', () => {
    const costs = new CostTracker();
    costs.record({ provider: 'openai', jobId: 'j1', usd: 1 });
    costs.record({ provider: 'openai', jobId: 'j2', usd: 2 });
    costs.record({ provider: 'eleven', jobId: 'j1', usd: 0.5 });
    costs.record({ provider: 'openai', usd: 4, at: Date.UTC(2026, 0, 5) });
    expect(costs.spent({ jobId: 'j1' })).toBe(1.5);
    expect(costs.spent({ jobId: 'j1', provider: 'eleven' })).toBe(0.5);
    expect(costs.spent({ provider: 'openai', period: 'day' })).toBe(3);
    expect(costs.spent({ provider: 'openai', period: 'month' })).toBe(7);
    expect(costs.spent({ period: 'day' })).toBe(3.5);
    expect(costs.spent()).toBe(7.5);
    expect(costs.spent({ jobId: 'unknown' })).toBe(0);
    expect(() => costs.spent({ jobId: 'j1', period: 'day' })).toThrow(/whole job/);
    expect(() => costs.record({ provider: 'x', usd: -1 })).toThrow(ReelayError);
  });

  it('rolls the day at 00:00 UTC and the month on the 1st', () => {
    const costs = new CostTracker();
    costs.record({ provider: 'openai', usd: 2 });
    vi.setSystemTime(Date.UTC(2026, 1, 1) - 1);
    expect(utcDay(Date.now())).toBe('2026-01-31');
    expect(costs.spent({ provider: 'openai', period: 'day' })).toBe(2);
    expect(costs.spent({ provider: 'openai', period: 'month' })).toBe(2);
    vi.setSystemTime(Date.UTC(2026, 1, 1));
    expect(costs.spent({ provider: 'openai', period: 'day' })).toBe(0);
    expect(costs.spent({ provider: 'openai', period: 'month' })).toBe(0);
    expect(costs.spent({ provider: 'openai' })).toBe(2);
  });

  it('forgets the least recently charged jobs beyond maxJobs', () => {
    const costs = new CostTracker({ maxJobs: 2 });
    costs.record({ provider: 'p', jobId: 'a', usd: 1 });
    costs.record({ provider: 'p', jobId: 'b', usd: 1 });
    costs.record({ provider: 'p', jobId: 'a', usd: 1 });
    costs.record({ provider: 'p', jobId: 'c', usd: 1 });
    expect(costs.spent({ jobId: 'b' })).toBe(0);
    expect(costs.spent({ jobId: 'a' })).toBe(2);
    costs.forgetJob('a');
    expect(costs.spent({ jobId: 'a' })).toBe(0);
    expect(costs.spent({ provider: 'p' })).toBe(4);
  });
});

describe('BudgetGuard', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.UTC(2026, 2, 31, 12, 0, 0));
  });
  afterEach(() => vi.useRealTimers());

  it('allows spend up to the job budget exactly, refuses past it', () => {
    const tracker = new CostTracker();
    const guard = new BudgetGuard({ budgets: { perJobUsd: 1 }, tracker });
    tracker.record({ provider: 'a', jobId: 'j', usd: 0.7 });
    expect(guard.checkBudget({ jobId: 'j', provider: 'b', estimatedUsd: 0.3 })).toEqual({ ok: true });
    const refused = guard.checkBudget({ jobId: 'j', provider: 'b', estimatedUsd: 0.31 });
    expect(refused).toMatchObject({
      ok: false,
      budget: 'perJob',
      spentUsd: 0.7,
      limitUsd: 1,
      estimatedUsd: 0.31,
    });
    expect(refused.ok ? '' : refused.reason).toMatch(
      /Job j would exceed its budget: spent \$0\.70 of \$1\.00.*perJobUsd/,
    );
    expect(guard.checkBudget({ jobId: 'other', provider: 'b', estimatedUsd: 0.31 }).ok).toBe(true);
  });

  it('applies the daily budget per provider and resets it at 00:00 UTC', () => {
    const tracker = new CostTracker();
    const guard = new BudgetGuard({ budgets: { perProvider: { openai: { dailyUsd: 5 } } }, tracker });
    tracker.record({ provider: 'openai', usd: 4.5 });
    expect(guard.checkBudget({ provider: 'openai', estimatedUsd: 0.5 }).ok).toBe(true);
    const refused = guard.checkBudget({ provider: 'openai', estimatedUsd: 1 });
    expect(refused).toMatchObject({ ok: false, budget: 'providerDaily' });
    expect(guard.checkBudget({ provider: 'eleven', estimatedUsd: 100 }).ok).toBe(true);
    vi.setSystemTime(Date.UTC(2026, 3, 1) - 1);
    expect(guard.checkBudget({ provider: 'openai', estimatedUsd: 1 }).ok).toBe(false);
    vi.setSystemTime(Date.UTC(2026, 3, 1));
    expect(guard.checkBudget({ provider: 'openai', estimatedUsd: 1 }).ok).toBe(true);
  });

  it('applies the monthly budget and resets it on the 1st (UTC)', () => {
    const tracker = new CostTracker();
    const guard = new BudgetGuard({
      budgets: { perProvider: { openai: { dailyUsd: 100, monthlyUsd: 10 } } },
      tracker,
    });
    tracker.record({ provider: 'openai', usd: 9, at: Date.UTC(2026, 2, 2) });
    expect(guard.checkBudget({ provider: 'openai', estimatedUsd: 1 }).ok).toBe(true);
    expect(guard.checkBudget({ provider: 'openai', estimatedUsd: 2 })).toMatchObject({
      ok: false,
      budget: 'providerMonthly',
      spentUsd: 9,
      limitUsd: 10,
    });
    vi.setSystemTime(Date.UTC(2026, 3, 1));
    expect(guard.checkBudget({ provider: 'openai', estimatedUsd: 2 }).ok).toBe(true);
  });

  it('enforceBudget throws BudgetExceededError naming budget, spend, limit and what to do', () => {
    const tracker = new CostTracker();
    const budgets = { perProvider: { openai: { dailyUsd: 1 } } };
    const guard = new BudgetGuard({ budgets, tracker });
    budgets.perProvider.openai.dailyUsd = 1000; // the guard copied the config
    tracker.record({ provider: 'openai', usd: 1 });
    let error: unknown;
    try {
      guard.enforceBudget({ jobId: 'j', provider: 'openai', estimatedUsd: 0.25 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BudgetExceededError);
    const err = error as BudgetExceededError;
    expect(err.code).toBe('REELAY_ERR_BUDGET_EXCEEDED');
    expect(err.status).toBe(402);
    expect(err.provider).toBe('openai');
    expect(err.details).toMatchObject({
      budget: 'providerDaily',
      spentUsd: 1,
      limitUsd: 1,
      estimatedUsd: 0.25,
      jobId: 'j',
    });
    expect(err.message).toContain('spent $1.00 of $1.00 today (UTC)');
    expect(err.message).toContain('estimated at $0.25');
    expect(err.message).toContain('budgets.perProvider.openai.dailyUsd');
    expect(ReelayError.isInstance(err)).toBe(true);
  });
});
