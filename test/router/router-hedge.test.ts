import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isHedgeLoss } from '../../src/resilience/hedge-race.js';
import { chatCall, hang, ok, rejection, routerHarness, ScriptedLlm, stream } from './router-harness.js';

const T0 = Date.UTC(2026, 4, 1, 9, 0, 0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());

const toAlternative = {
  stages: { script: { enabled: true, afterMs: 800, hedgeTo: 'alternative' as const } },
};

describe('FallbackRouter with hedging', () => {
  it('auto, hedgeTo alternative: no first token from alpha by 800 ms → beta starts; beta’s first token wins, alpha is aborted, AUTO_HEDGE_WIN is recorded', async () => {
    const alpha = new ScriptedLlm('alpha', { priority: 1, script: [hang()] });
    const beta = new ScriptedLlm('beta', { priority: 2, script: [stream(100, 2)] });
    const h = routerHarness([alpha, beta], { hedging: toAlternative });
    const run = h.kit.router.run(chatCall({ preferred: 'alpha' }));
    await vi.advanceTimersByTimeAsync(799);
    expect(beta.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(beta.calls).toHaveLength(1);
    expect(beta.calls[0]?.at).toBe(T0 + 800);
    await vi.advanceTimersByTimeAsync(99);
    expect(alpha.calls[0]?.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(alpha.calls[0]?.signal.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(100);
    const result = await run;
    expect(result).toMatchObject({ provider: { id: 'beta' }, switched: true, value: { text: 'streamed 2' } });
    const decisions = await h.audit.history('job_1');
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      fromProvider: 'alpha',
      toProvider: 'beta',
      reason: 'AUTO_HEDGE_WIN',
      userConfirmed: false,
      stages: ['script'],
    });
    expect(decisions[0]?.context).toContain('no first token after 800 ms');
    expect(h.kit.gateway.getLock('job_1')?.providerName).toBe('beta');
  });

  it('the primary winning after the hedge started: the hedge is aborted, no decision', async () => {
    const alpha = new ScriptedLlm('alpha', { priority: 1, script: [stream(900, 1)] });
    const beta = new ScriptedLlm('beta', { priority: 2, script: [hang()] });
    const h = routerHarness([alpha, beta], { hedging: toAlternative });
    const run = h.kit.router.run(chatCall({ preferred: 'alpha' }));
    await vi.advanceTimersByTimeAsync(900);
    expect(beta.calls).toHaveLength(1);
    expect(isHedgeLoss(beta.calls[0]?.signal.reason)).toBe(true);
    await expect(run).resolves.toMatchObject({ provider: { id: 'alpha' }, switched: false });
    expect(await h.audit.history('job_1')).toEqual([]);
  });

  it('default target (same deployment), opted in per job: a fresh request to alpha wins; no decision', async () => {
    const alpha = new ScriptedLlm('alpha', { script: [hang(), stream(50, 1)] });
    const h = routerHarness([alpha]);
    const run = h.kit.router.run(chatCall({ preferred: 'alpha', hedge: { job: { afterMs: 800 } } }));
    await vi.advanceTimersByTimeAsync(850);
    const result = await run;
    expect(alpha.calls).toHaveLength(2);
    expect(alpha.calls[1]?.at).toBe(T0 + 800);
    expect(alpha.calls[0]?.signal.aborted).toBe(true);
    expect(result).toMatchObject({ provider: { id: 'alpha' }, switched: false });
    expect(await h.audit.history('job_1')).toEqual([]);
  });

  it.each(['ask', 'off'] as const)('policy %s: never hedged, even when enabled', async (policy) => {
    const alpha = new ScriptedLlm('alpha', { priority: 1, script: [hang()] });
    const beta = new ScriptedLlm('beta', { priority: 2 });
    const h = routerHarness([alpha, beta], { hedging: toAlternative });
    const controller = new AbortController();
    const run = h.kit.router.run(
      chatCall({
        preferred: 'alpha',
        policy,
        signal: controller.signal,
        hedge: { request: { afterMs: 800 } },
      }),
    );
    await vi.advanceTimersByTimeAsync(5000);
    expect(alpha.calls).toHaveLength(1);
    expect(beta.calls).toHaveLength(0);
    controller.abort(new Error('test over'));
    await rejection(run);
    expect(await h.audit.history('job_1')).toEqual([]);
  });

  it('budget: no hedge when the alternative’s estimated cost would break the job budget', async () => {
    const alpha = new ScriptedLlm('alpha', { priority: 1, script: [stream(2000, 1)] });
    const beta = new ScriptedLlm('beta', {
      priority: 2,
      script: [ok()],
      costModel: { unit: 'request', usdPerUnit: 1 },
    });
    const h = routerHarness([alpha, beta], { hedging: toAlternative, budgets: { perJobUsd: 0.5 } });
    const run = h.kit.router.run(chatCall({ preferred: 'alpha' }));
    await vi.advanceTimersByTimeAsync(2000);
    await expect(run).resolves.toMatchObject({ provider: { id: 'alpha' } });
    expect(beta.calls).toHaveLength(0);
  });

  it('the loser’s spend is recorded (its input, priced under its cost model)', async () => {
    const alpha = new ScriptedLlm('alpha', {
      script: [hang(), stream(50, 1)],
      costModel: { unit: 'request', usdPerUnit: 0.01 },
    });
    const h = routerHarness([alpha]);
    const run = h.kit.router.run(
      chatCall({ preferred: 'alpha', hedge: { job: { afterMs: 800 } }, estimatedUsage: { requests: 1 } }),
    );
    await vi.advanceTimersByTimeAsync(850);
    await run;
    // winner 0.01 (its reported usage) + loser 0.01 (a cancelled request may be billed)
    expect(h.kit.costs.spent({ jobId: 'job_1' })).toBeCloseTo(0.02, 10);
  });
});
