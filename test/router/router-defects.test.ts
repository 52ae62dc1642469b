import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chatCall, hang, routerHarness, ScriptedLlm } from './router-harness.js';

const T0 = Date.UTC(2026, 4, 1, 9, 0, 0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());

describe('defects found from outside the library', () => {
  it('1: two calls of one job stalling together under ask: one answer is ONE decision and ONE lock move', async () => {
    const alpha = new ScriptedLlm('alpha', { priority: 1, script: [hang(), hang()] });
    const beta = new ScriptedLlm('beta', { priority: 2 });
    const h = routerHarness([alpha, beta]);
    const first = h.kit.router.run(chatCall({ preferred: 'alpha', policy: 'ask', label: 'scene 1' }));
    const second = h.kit.router.run(chatCall({ preferred: 'alpha', policy: 'ask', label: 'scene 2' }));
    await vi.advanceTimersByTimeAsync(20_000);
    expect(h.ofType('decision-required')).toHaveLength(1);
    const locksBefore = h.ofType('lock-created').length;
    h.kit.gateway.answerDecision('job_1', { option: 'try_alternative', provider: 'beta' });
    const results = await Promise.all([first, second]);
    expect(results.map((r) => r.provider.id)).toEqual(['beta', 'beta']);
    const history = await h.audit.history('job_1');
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      reason: 'USER_AFTER_STALL',
      fromProvider: 'alpha',
      toProvider: 'beta',
    });
    expect((await h.kit.gateway.getStatistics()).userRequestedFallbacks).toBe(1);
    expect(h.ofType('lock-created').length - locksBefore).toBe(1);
    expect(h.ofType('fallback-decision')).toHaveLength(1);
  });

  it('2: moving a lock is one step: a lock-released listener sees the new lock and cannot lock another', async () => {
    const alpha = new ScriptedLlm('alpha', { priority: 1 });
    const h = routerHarness([alpha, new ScriptedLlm('beta', { priority: 2 })]);
    const { gateway } = h.kit;
    gateway.lockProvider('job_1', 'alpha', 'cloud_llm', 'corr_1', { stages: ['script'] });
    const seen: Array<string | undefined> = [];
    const refused: unknown[] = [];
    gateway.on('lock-released', () => {
      seen.push(gateway.getLock('job_1')?.providerName);
      try {
        gateway.lockProvider('job_1', 'gamma', 'cloud_llm', 'corr_1');
      } catch (error) {
        refused.push(error);
      }
    });
    await gateway.switchProvider({ jobId: 'job_1', toProvider: 'beta', reason: 'USER_REQUEST' });
    expect(seen).toEqual(['beta']);
    expect(refused).toEqual([expect.objectContaining({ code: 'REELAY_ERR_LOCK_EXISTS' })]);
    expect(gateway.getLock('job_1')).toMatchObject({ providerName: 'beta', stages: ['script'] });
  });

  it('3: a priced provider whose budget is exactly used up is neither selected nor called', async () => {
    const priced = { unit: 'token_1k' as const, usdPerUnit: 0.01 };
    const alpha = new ScriptedLlm('alpha', { priority: 1, costModel: priced });
    const beta = new ScriptedLlm('beta', { priority: 2 });
    const h = routerHarness([alpha, beta], { budgets: { perProvider: { alpha: { dailyUsd: 1 } } } });
    h.kit.costs.record({ provider: 'alpha', usd: 1 });
    const chosen = await h.kit.router.run(chatCall());
    expect(chosen.provider.id).toBe('beta');
    expect(alpha.calls).toHaveLength(0);
    // Named by the user: refused before the call from the request's own estimate, then the policy moves on.
    const named = await h.kit.router.run(
      chatCall({
        jobId: 'job_2',
        preferred: 'alpha',
        estimatedUsage: { inputTokens: 500, outputTokens: 800 },
      }),
    );
    expect(alpha.calls).toHaveLength(0);
    expect(named.provider.id).toBe('beta');
    expect((await h.audit.history('job_2'))[0]).toMatchObject({
      reason: 'AUTO_AFTER_ERROR',
      errorCategory: 'quota_exceeded',
    });
  });

  it('3: a request whose estimate would go past the budget is refused; one that fits is made', async () => {
    const priced = { unit: 'token_1k' as const, usdPerUnit: 1 };
    const alpha = new ScriptedLlm('alpha', { priority: 1, costModel: priced });
    const beta = new ScriptedLlm('beta', { priority: 2 });
    const h = routerHarness([alpha, beta], { budgets: { perProvider: { alpha: { dailyUsd: 1 } } } });
    h.kit.costs.record({ provider: 'alpha', usd: 0.5 });
    const small = await h.kit.router.run(
      chatCall({ preferred: 'alpha', estimatedUsage: { inputTokens: 400 } }),
    );
    expect(small.provider.id).toBe('alpha');
    const big = await h.kit.router.run(
      chatCall({ jobId: 'job_2', preferred: 'alpha', estimatedUsage: { inputTokens: 600 } }),
    );
    expect(big.provider.id).toBe('beta');
    expect(alpha.calls).toHaveLength(1);
  });
});
