import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  chatCall,
  fail,
  hang,
  ok,
  rejection,
  routerHarness,
  ScriptedLlm,
  ScriptedTts,
  speechCall,
  stream,
} from '../../test/router/router-harness.js';
import type { ReelayError } from '../domain/errors.js';
import type { AttemptRecord } from '../domain/events.js';

const T0 = Date.UTC(2026, 4, 1, 9, 0, 0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());

/** alpha (priority 1), beta (2), gamma (3): OpenAI-like LLMs, all answering `ok` unless scripted. */
function trio() {
  const alpha = new ScriptedLlm('alpha', { priority: 1 });
  const beta = new ScriptedLlm('beta', { priority: 2 });
  const gamma = new ScriptedLlm('gamma', { priority: 3 });
  return { alpha, beta, gamma, providers: [alpha, beta, gamma] };
}

describe('FallbackRouter: same-provider work', () => {
  it('a preferred provider that succeeds: no decision, the job is locked on it', async () => {
    const { alpha, beta, providers } = trio();
    const h = routerHarness(providers);
    const result = await h.kit.router.run(chatCall({ preferred: 'alpha' }));
    expect(result).toMatchObject({ provider: alpha, switched: false, degraded: false });
    expect(result.value.text).toBe('ok');
    expect(beta.calls).toHaveLength(0);
    expect(await h.audit.history('job_1')).toEqual([]);
    expect(h.kit.gateway.getLock('job_1')?.providerName).toBe('alpha');
  });

  it('without a preferred provider the best-scored one (lowest priority number) is used', async () => {
    const { alpha, beta, gamma } = trio();
    const h = routerHarness([gamma, beta, alpha]);
    const result = await h.kit.router.run(chatCall());
    expect(result.provider.id).toBe('alpha');
  });

  it('a transient failure is retried on the same provider exactly at the backoff delay (1 000 ms)', async () => {
    const { alpha, beta, providers } = trio();
    alpha.setScript(fail('transient'), ok('second try'));
    const h = routerHarness(providers);
    const run = h.kit.router.run(chatCall({ preferred: 'alpha' }));
    await vi.advanceTimersByTimeAsync(999);
    expect(alpha.calls).toHaveLength(1);
    expect(h.ofType('retry-scheduled')).toMatchObject([{ provider: 'alpha', delayMs: 1000, attempt: 2 }]);
    await vi.advanceTimersByTimeAsync(1);
    expect(alpha.calls).toHaveLength(2);
    expect(alpha.calls[1]?.at).toBe(T0 + 1000);
    await expect(run).resolves.toMatchObject({ value: { text: 'second try' }, switched: false });
    expect(beta.calls).toHaveLength(0);
    expect(await h.audit.history('job_1')).toEqual([]);
  });

  it('rate_limit honours the provider’s Retry-After (20 s) instead of the 60 s linear backoff', async () => {
    const { alpha, providers } = trio();
    alpha.setScript(fail('rate_limit', { retryAfterMs: 20_000 }), ok());
    const h = routerHarness(providers);
    const run = h.kit.router.run(chatCall({ preferred: 'alpha' }));
    await vi.advanceTimersByTimeAsync(19_999);
    expect(alpha.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(alpha.calls).toHaveLength(2);
    await expect(run).resolves.toMatchObject({ provider: { id: 'alpha' } });
    expect(h.ofType('retry-scheduled')[0]).toMatchObject({ category: 'rate_limit', delayMs: 20_000 });
  });
});

describe('FallbackRouter: policy auto', () => {
  it('authentication is not retried; auto switches to the next best (AUTO_AFTER_ERROR) and moves the lock', async () => {
    const { alpha, beta, gamma, providers } = trio();
    alpha.setScript(fail('authentication'));
    const h = routerHarness(providers);
    const result = await h.kit.router.run(chatCall({ preferred: 'alpha' }));
    expect(alpha.calls).toHaveLength(1);
    expect(result).toMatchObject({ provider: beta, switched: true, degraded: false });
    expect(gamma.calls).toHaveLength(0);
    const [decision, ...rest] = await h.audit.history('job_1');
    expect(rest).toEqual([]);
    expect(decision).toMatchObject({
      fromProvider: 'alpha',
      toProvider: 'beta',
      reason: 'AUTO_AFTER_ERROR',
      errorCategory: 'authentication',
      userConfirmed: false,
      stages: ['script'],
    });
    expect(h.kit.gateway.getLock('job_1')?.providerName).toBe('beta');
    expect(h.ofType('retry-scheduled')).toEqual([]);
  });

  it('an open breaker (5 counting failures in the window) is skipped without a call: AUTO_CIRCUIT_OPEN', async () => {
    const { alpha, beta, providers } = trio();
    alpha.setScript(fail('provider_overload'));
    const h = routerHarness(providers);
    for (let job = 1; job <= 5; job += 1) {
      await h.kit.router.run(chatCall({ jobId: `job_${job}`, preferred: 'alpha' }));
      expect(h.kit.breakers.isOpen('alpha')).toBe(job === 5);
    }
    expect(alpha.calls).toHaveLength(5);
    const result = await h.kit.router.run(chatCall({ jobId: 'job_6', preferred: 'alpha' }));
    expect(alpha.calls).toHaveLength(5);
    expect(result.provider.id).toBe('beta');
    expect(beta.calls).toHaveLength(6);
    expect(await h.audit.history('job_6')).toMatchObject([
      {
        fromProvider: 'alpha',
        toProvider: 'beta',
        reason: 'AUTO_CIRCUIT_OPEN',
        errorCategory: 'provider_overload',
      },
    ]);
    expect(await h.audit.history('job_5')).toMatchObject([{ reason: 'AUTO_AFTER_ERROR' }]);
  });

  it('a breaker opened by hand for maintenance is skipped the same way', async () => {
    const { alpha, providers } = trio();
    const h = routerHarness(providers);
    h.kit.breakers.get('alpha').open('maintenance');
    const result = await h.kit.router.run(chatCall({ preferred: 'alpha' }));
    expect(alpha.calls).toHaveLength(0);
    expect(result.provider.id).toBe('beta');
    expect((await h.audit.history('job_1'))[0]).toMatchObject({ reason: 'AUTO_CIRCUIT_OPEN' });
  });

  it('the switch limit stops automatic switching (maxSwitchesPerStage: 1)', async () => {
    const { alpha, beta, gamma, providers } = trio();
    alpha.setScript(fail('authentication'));
    beta.setScript(fail('authentication'));
    const h = routerHarness(providers, { maxSwitchesPerStage: 1 });
    const error = (await rejection(h.kit.router.run(chatCall({ preferred: 'alpha' })))) as ReelayError;
    expect(error.code).toBe('REELAY_ERR_STAGE_FAILED');
    expect(error.details.why).toBe('switch-limit');
    expect(error.message).toContain('gamma');
    expect(gamma.calls).toHaveLength(0);
    expect(await h.audit.history('job_1')).toHaveLength(1);
  });

  it('a provider over its daily budget is not called; the router moves on', async () => {
    const { alpha, beta, providers } = trio();
    const h = routerHarness(providers, { budgets: { perProvider: { alpha: { dailyUsd: 1 } } } });
    h.kit.costs.record({ provider: 'alpha', usd: 1.5 });
    const result = await h.kit.router.run(chatCall({ preferred: 'alpha' }));
    expect(alpha.calls).toHaveLength(0);
    expect(beta.calls).toHaveLength(1);
    expect((await h.audit.history('job_1'))[0]).toMatchObject({
      fromProvider: 'alpha',
      toProvider: 'beta',
      reason: 'AUTO_AFTER_ERROR',
      errorCategory: 'quota_exceeded',
    });
    expect(result.switched).toBe(true);
  });
});

describe('FallbackRouter: degradations', () => {
  it('uses the declared degradation when no alternative remains (DEGRADED)', async () => {
    const eleven = new ScriptedTts('eleven', { script: [fail('authentication')] });
    const captions = new ScriptedTts('captions-only', { priority: 5 });
    const h = routerHarness([eleven, captions]);
    const result = await h.kit.router.run(
      speechCall({ preferred: 'eleven', degradations: ['captions-only'] }),
    );
    expect(result).toMatchObject({ provider: captions, degraded: true, switched: true });
    expect(await h.audit.history('job_1')).toMatchObject([
      { fromProvider: 'eleven', toProvider: 'captions-only', reason: 'DEGRADED', userConfirmed: false },
    ]);
  });

  it('degrades at once when the system_error strategy says so, even with an alternative left', async () => {
    const eleven = new ScriptedTts('eleven', { script: [fail('system_error')] });
    const espeak = new ScriptedTts('espeak', { priority: 2 });
    const captions = new ScriptedTts('captions-only', { priority: 5 });
    const h = routerHarness([eleven, espeak, captions]);
    const run = h.kit.router.run(speechCall({ preferred: 'eleven', degradations: ['captions-only'] }));
    await vi.advanceTimersByTimeAsync(4_999); // system_error: one retry after 5 000 ms
    expect(eleven.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    const result = await run;
    expect(eleven.calls).toHaveLength(2);
    expect(espeak.calls).toHaveLength(0);
    expect(result).toMatchObject({ provider: captions, degraded: true });
    expect((await h.audit.history('job_1'))[0]).toMatchObject({
      reason: 'DEGRADED',
      errorCategory: 'system_error',
      elapsedBeforeSwitchMs: 5_000,
    });
  });
});

describe('FallbackRouter: policy off', () => {
  it('fails with REELAY_ERR_STAGE_FAILED naming provider, category, alternatives and every attempt', async () => {
    const { alpha, beta, gamma, providers } = trio();
    alpha.setScript(fail('api_failure'));
    const h = routerHarness(providers);
    const run = rejection(h.kit.router.run(chatCall({ preferred: 'alpha', policy: 'off' })));
    await vi.advanceTimersByTimeAsync(2_000 + 4_000); // api_failure: 2 retries, 2 000 then 4 000 ms
    const error = (await run) as ReelayError;
    expect(error.code).toBe('REELAY_ERR_STAGE_FAILED');
    expect(error.message).toMatch(/provider alpha \(api_failure\) after 3 attempt/);
    expect(error.message).toMatch(/Alternatives, best first: beta \(\d+\), gamma \(\d+\)/);
    const attempts = error.details.attempts as AttemptRecord[];
    expect(attempts.map((a) => [a.provider, a.attempt, a.category, a.delayMs])).toEqual([
      ['alpha', 1, 'api_failure', 2000],
      ['alpha', 2, 'api_failure', 4000],
      ['alpha', 3, 'api_failure', 0],
    ]);
    expect(alpha.calls.map((c) => c.at - T0)).toEqual([0, 2000, 6000]);
    expect(beta.calls.length + gamma.calls.length).toBe(0);
    expect(await h.audit.history('job_1')).toEqual([]);
  });
});

describe('FallbackRouter: policy ask', () => {
  it('asks (decision-required, ranked alternatives) and switches only on the answer: PROVIDER_FATAL_ERROR', async () => {
    const { alpha, beta, gamma, providers } = trio();
    alpha.setScript(fail('authentication'));
    const h = routerHarness(providers);
    const run = h.kit.router.run(chatCall({ preferred: 'alpha', policy: 'ask' }));
    await vi.advanceTimersByTimeAsync(600_000);
    const [asked] = h.ofType('decision-required');
    expect(asked).toMatchObject({ trigger: 'error', provider: 'alpha', stage: 'script' });
    expect(asked?.error).toMatchObject({ category: 'authentication', provider: 'alpha' });
    expect(asked?.alternatives.map((a) => a.provider)).toEqual(['beta', 'gamma']);
    expect(asked?.alternatives[0]?.score).toBeGreaterThan(asked?.alternatives[1]?.score ?? 100);
    expect(beta.calls.length + gamma.calls.length).toBe(0);
    expect(await h.audit.history('job_1')).toEqual([]);
    h.kit.gateway.answerDecision('job_1', { option: 'try_alternative', provider: 'gamma' });
    const result = await run;
    expect(result.provider.id).toBe('gamma');
    expect(beta.calls).toHaveLength(0);
    expect(await h.audit.history('job_1')).toMatchObject([
      {
        fromProvider: 'alpha',
        toProvider: 'gamma',
        reason: 'PROVIDER_FATAL_ERROR',
        userConfirmed: true,
        errorCategory: 'authentication',
        elapsedBeforeSwitchMs: 600_000, // on alpha, then waiting for the answer
      },
    ]);
    expect(h.kit.gateway.getLock('job_1')?.providerName).toBe('gamma');
  });

  it('continue_30s after an error retries the same provider', async () => {
    const { alpha, beta, providers } = trio();
    alpha.setScript(fail('authentication'), ok('alpha again'));
    const h = routerHarness(providers);
    const run = h.kit.router.run(chatCall({ preferred: 'alpha', policy: 'ask' }));
    await vi.advanceTimersByTimeAsync(0);
    expect(h.ofType('decision-required')).toHaveLength(1);
    h.kit.gateway.answerDecision('job_1', { option: 'continue_30s' });
    await expect(run).resolves.toMatchObject({ value: { text: 'alpha again' }, switched: false });
    expect(alpha.calls).toHaveLength(2);
    expect(beta.calls).toHaveLength(0);
    expect(await h.audit.history('job_1')).toEqual([]);
  });

  it('cancel_job ends the stage with REELAY_ERR_CANCELED and calls nobody else', async () => {
    const { alpha, beta, gamma, providers } = trio();
    alpha.setScript(fail('authentication'));
    const h = routerHarness(providers);
    const run = rejection(h.kit.router.run(chatCall({ preferred: 'alpha', policy: 'ask' })));
    await vi.advanceTimersByTimeAsync(0);
    h.kit.gateway.answerDecision('job_1', { option: 'cancel_job' });
    const error = (await run) as ReelayError;
    expect(error.code).toBe('REELAY_ERR_CANCELED');
    expect(error.details.why).toBe('canceled-by-user');
    expect(alpha.calls.length + beta.calls.length + gamma.calls.length).toBe(1);
  });
});

describe('FallbackRouter: abort and stalls', () => {
  it('a caller abort while a decision is pending rejects with the reason and withdraws the decision', async () => {
    const { alpha, beta, providers } = trio();
    alpha.setScript(fail('authentication'));
    const h = routerHarness(providers);
    const controller = new AbortController();
    const run = rejection(
      h.kit.router.run(chatCall({ preferred: 'alpha', policy: 'ask', signal: controller.signal })),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(h.kit.gateway.getPendingDecision('job_1')?.provider).toBe('alpha');
    controller.abort('job canceled');
    expect(await run).toBe('job canceled');
    expect(h.kit.gateway.getPendingDecision('job_1')).toBeUndefined();
    expect(() =>
      h.kit.gateway.answerDecision('job_1', { option: 'try_alternative', provider: 'beta' }),
    ).toThrow(/no pending decision/);
    expect(beta.calls).toHaveLength(0);
  });

  it('a caller abort during a call stops everything and rejects with the abort reason', async () => {
    const { alpha, beta, gamma, providers } = trio();
    alpha.setScript(hang());
    const h = routerHarness(providers);
    const controller = new AbortController();
    const run = rejection(h.kit.router.run(chatCall({ preferred: 'alpha', signal: controller.signal })));
    await vi.advanceTimersByTimeAsync(1_000);
    const reason = new Error('user closed the tab');
    controller.abort(reason);
    expect(await run).toBe(reason);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(alpha.calls).toHaveLength(1);
    expect(alpha.calls[0]?.signal.aborted).toBe(true);
    expect(beta.calls.length + gamma.calls.length).toBe(0);
    expect(await h.audit.history('job_1')).toEqual([]);
  });

  it('a caller abort during a retry wait: no further attempt', async () => {
    const { alpha, providers } = trio();
    alpha.setScript(fail('transient'));
    const h = routerHarness(providers);
    const controller = new AbortController();
    const run = rejection(h.kit.router.run(chatCall({ preferred: 'alpha', signal: controller.signal })));
    await vi.advanceTimersByTimeAsync(500);
    controller.abort('stop');
    expect(await run).toBe('stop');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(alpha.calls).toHaveLength(1);
  });

  it('auto: a provider that stops heartbeating is switched (AUTO_AFTER_STALL) at its stall threshold', async () => {
    const { alpha, beta, providers } = trio();
    alpha.setScript(stream(1_000, 3, true)); // tokens at 1, 2, 3 s, then silence
    const h = routerHarness(providers);
    const run = h.kit.router.run(chatCall({ preferred: 'alpha' }));
    // cloud_llm: heartbeat 5 000 × stall multiplier 4 = 20 000 ms after the last token (at 3 000 ms).
    await vi.advanceTimersByTimeAsync(22_999);
    expect(beta.calls).toHaveLength(0);
    expect(h.ofType('stall-suspected')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    const result = await run;
    expect(h.ofType('stall-suspected')).toMatchObject([{ provider: 'alpha', sinceProgressMs: 20_000 }]);
    expect(result.provider.id).toBe('beta');
    expect(alpha.calls[0]?.signal.aborted).toBe(true);
    expect(await h.audit.history('job_1')).toMatchObject([
      { fromProvider: 'alpha', toProvider: 'beta', reason: 'AUTO_AFTER_STALL', userConfirmed: false },
    ]);
    expect(h.kit.breakers.get('alpha').state).toMatchObject({ state: 'closed', failures: [] });
  });

  it('auto: a provider that keeps heartbeating past deepWait (120 s) is never switched', async () => {
    const { alpha, beta, providers } = trio();
    alpha.setScript(stream(5_000, 30)); // a token every 5 s for 150 s
    const h = routerHarness(providers);
    const run = h.kit.router.run(chatCall({ preferred: 'alpha' }));
    await vi.advanceTimersByTimeAsync(150_000);
    await expect(run).resolves.toMatchObject({ value: { text: 'streamed 30' }, provider: { id: 'alpha' } });
    expect(h.ofType('latency-category-changed').map((e) => e.to)).toEqual(['Extended', 'DeepWait']);
    expect(h.ofType('stall-suspected')).toEqual([]);
    expect(beta.calls).toHaveLength(0);
    expect(await h.audit.history('job_1')).toEqual([]);
  });
});
