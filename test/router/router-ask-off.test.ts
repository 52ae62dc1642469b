import { describe, expect, it, vi } from 'vitest';
import type { ReelayError } from '../../src/domain/errors.js';
import type { AttemptRecord } from '../../src/domain/events.js';
import { OPENAI_ROUTES, openAiErrors } from '../fixtures/llm-tts/openai-fixture.js';
import {
  loggedChatCall,
  TRIO_T0,
  trioFixtures,
  trioProviders,
  untilIo,
  useTrioWithFakeTime,
} from './openai-trio.js';
import { rejection, routerHarness } from './router-harness.js';

const T0 = TRIO_T0;
const { alpha, beta, gamma } = trioFixtures;
const CHAT = OPENAI_ROUTES.chat;

useTrioWithFakeTime();

describe('router end to end, policy ask (answered through the gateway)', () => {
  it('resets on every attempt: 3 retries (1, 2, 4 s), then a decision; the switch waits for the answer', async () => {
    alpha.set(CHAT, { kind: 'reset', afterFrames: 1 });
    const h = routerHarness(trioProviders());
    const { call, log } = loggedChatCall(T0, { preferred: 'alpha', policy: 'ask' });
    const run = h.kit.router.run(call);
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      await untilIo(() => alpha.requests.length === attempt);
      await vi.advanceTimersByTimeAsync(20); // the fixture destroys the socket 20 ms after the frames
      await untilIo(() => h.ofType('hard-error').length === attempt);
      if (attempt < 4) await vi.advanceTimersByTimeAsync(1000 * 2 ** (attempt - 1));
    }
    await untilIo(() => h.ofType('decision-required').length === 1);
    const [asked] = h.ofType('decision-required');
    expect(asked).toMatchObject({ trigger: 'error', provider: 'alpha', stage: 'script' });
    expect(asked?.error).toMatchObject({ category: 'network_error' });
    expect(asked?.error?.attempts).toHaveLength(4);
    expect(asked?.alternatives.map((a) => a.provider)).toEqual(['beta', 'gamma']);
    await vi.advanceTimersByTimeAsync(60_000); // nobody answers: nothing switches
    expect(beta.requests.length + gamma.requests.length).toBe(0);
    expect(await h.audit.history('job_1')).toEqual([]);
    h.kit.gateway.answerDecision('job_1', { option: 'try_alternative', provider: 'beta' });
    const result = await run;
    expect(result).toMatchObject({
      provider: { id: 'beta' },
      switched: true,
      value: { text: 'Hello, world!' },
    });
    expect(log).toEqual([
      { provider: 'alpha', at: 0 },
      { provider: 'alpha', at: 1_020 },
      { provider: 'alpha', at: 3_040 },
      { provider: 'alpha', at: 7_060 },
      { provider: 'beta', at: 67_080 },
    ]);
    expect(await h.audit.history('job_1')).toMatchObject([
      {
        fromProvider: 'alpha',
        toProvider: 'beta',
        reason: 'PROVIDER_FATAL_ERROR',
        userConfirmed: true,
        errorCategory: 'network_error',
        elapsedBeforeSwitchMs: 67_080,
      },
    ]);
    expect(h.ofType('decision-answered')).toMatchObject([{ option: 'try_alternative', provider: 'beta' }]);
  });

  it('a hang: decision-required (trigger stall) at 20 s; the chosen gamma answers (USER_AFTER_STALL)', async () => {
    alpha.set(CHAT, { kind: 'stall', afterFrames: 0 });
    const h = routerHarness(trioProviders());
    const { call, log } = loggedChatCall(T0, { preferred: 'alpha', policy: 'ask' });
    const run = h.kit.router.run(call);
    await untilIo(() => alpha.requests.length === 1);
    await vi.advanceTimersByTimeAsync(19_999);
    expect(h.ofType('decision-required')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    await untilIo(() => h.ofType('decision-required').length === 1);
    expect(h.ofType('decision-required')[0]).toMatchObject({ trigger: 'stall', provider: 'alpha' });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(log).toHaveLength(1);
    h.kit.gateway.answerDecision('job_1', { option: 'try_alternative', provider: 'gamma' });
    const result = await run;
    expect(result.provider.id).toBe('gamma');
    expect(log).toEqual([
      { provider: 'alpha', at: 0 },
      { provider: 'gamma', at: 25_000 },
    ]);
    expect(await h.audit.history('job_1')).toMatchObject([
      {
        fromProvider: 'alpha',
        toProvider: 'gamma',
        reason: 'USER_AFTER_STALL',
        userConfirmed: true,
        elapsedBeforeSwitchMs: 25_000,
      },
    ]);
    await untilIo(() => alpha.requests[0]?.clientClosedEarly === true);
    expect(beta.requests).toHaveLength(0);
  });
});

describe('router end to end, policy off', () => {
  it('a 503: the stage fails at once naming alpha, provider_overload and the alternatives; nobody else is called', async () => {
    alpha.set(CHAT, openAiErrors.overloaded);
    const h = routerHarness(trioProviders());
    const { call, log } = loggedChatCall(T0, { preferred: 'alpha', policy: 'off' });
    const error = (await rejection(h.kit.router.run(call))) as ReelayError;
    expect(error).toMatchObject({
      code: 'REELAY_ERR_STAGE_FAILED',
      provider: 'alpha',
      category: 'provider_overload',
    });
    expect(error.message).toMatch(
      /Stage "script" failed on provider alpha \(provider_overload\) after 1 attempt/,
    );
    expect(error.message).toMatch(
      /Alpha is overloaded \(HTTP 503, server_error\): retry later or choose another provider/,
    );
    expect(error.message).toMatch(/Alternatives, best first: beta \(\d+\), gamma \(\d+\)/);
    expect(error.details).toMatchObject({ policy: 'off', why: 'policy-off' });
    expect(log).toEqual([{ provider: 'alpha', at: 0 }]);
    expect(beta.requests.length + gamma.requests.length).toBe(0);
    expect(await h.audit.history('job_1')).toEqual([]);
  });

  it('a hang: stopped at 20 s (STALLED, timeout), retried once 3 s later, then the stage fails', async () => {
    alpha.set(CHAT, { kind: 'stall', afterFrames: 2 });
    const h = routerHarness(trioProviders());
    const { call, log, beats } = loggedChatCall(T0, { preferred: 'alpha', policy: 'off' });
    const run = rejection(h.kit.router.run(call));
    await untilIo(() => beats() === 1);
    await vi.advanceTimersByTimeAsync(20_000);
    await untilIo(() => h.ofType('retry-scheduled').length === 1);
    expect(h.ofType('retry-scheduled')[0]).toMatchObject({ category: 'timeout', delayMs: 3_000 });
    await vi.advanceTimersByTimeAsync(3_000);
    await untilIo(() => beats() === 2);
    await vi.advanceTimersByTimeAsync(20_000);
    const error = (await run) as ReelayError;
    expect(error).toMatchObject({ code: 'REELAY_ERR_STAGE_FAILED', provider: 'alpha', category: 'timeout' });
    expect(error.message).toContain('made no progress on stage "script" for 20 s');
    const attempts = error.details.attempts as AttemptRecord[];
    expect(attempts.map((a) => [a.attempt, a.category, a.delayMs])).toEqual([
      [1, 'timeout', 3_000],
      [2, 'timeout', 0],
    ]);
    expect(log).toEqual([
      { provider: 'alpha', at: 0 },
      { provider: 'alpha', at: 23_000 },
    ]);
    await untilIo(() => alpha.requests.every((r) => r.clientClosedEarly));
    expect(beta.requests.length + gamma.requests.length).toBe(0);
    expect(await h.audit.history('job_1')).toEqual([]);
  });
});
