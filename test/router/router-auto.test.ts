import { describe, expect, it, vi } from 'vitest';
import { OPENAI_ROUTES, openAiErrors } from '../fixtures/llm-tts/openai-fixture.js';
import {
  loggedChatCall,
  TRIO_T0,
  trioFixtures,
  trioProviders,
  untilIo,
  useTrioWithFakeTime,
} from './openai-trio.js';
import { routerHarness } from './router-harness.js';

const T0 = TRIO_T0;
const { alpha, beta, gamma } = trioFixtures;
const CHAT = OPENAI_ROUTES.chat;

useTrioWithFakeTime();

describe('router end to end, policy auto, three OpenAI-compatible servers', () => {
  it('429 with Retry-After: the same provider again exactly 20 s later (not 1 ms sooner), no switch', async () => {
    alpha.setOnce(CHAT, openAiErrors.rateLimited);
    const h = routerHarness(trioProviders());
    const { call, log } = loggedChatCall(T0, { preferred: 'alpha' });
    const run = h.kit.router.run(call);
    await untilIo(() => h.ofType('retry-scheduled').length === 1);
    expect(h.ofType('retry-scheduled')[0]).toMatchObject({ category: 'rate_limit', delayMs: 20_000 });
    await vi.advanceTimersByTimeAsync(19_999);
    expect(log).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    const result = await run;
    expect(result).toMatchObject({
      provider: { id: 'alpha' },
      switched: false,
      value: { text: 'Hello, world!' },
    });
    expect(log).toEqual([
      { provider: 'alpha', at: 0 },
      { provider: 'alpha', at: 20_000 },
    ]);
    expect(alpha.requests).toHaveLength(2);
    expect(beta.requests.length + gamma.requests.length).toBe(0);
    expect(await h.audit.history('job_1')).toEqual([]);
  });

  it('a 429 that persists: two Retry-After retries, then AUTO_AFTER_ERROR (rate_limit) to beta', async () => {
    alpha.set(CHAT, openAiErrors.rateLimited);
    const h = routerHarness(trioProviders());
    const { call, log } = loggedChatCall(T0, { preferred: 'alpha' });
    const run = h.kit.router.run(call);
    for (let retry = 1; retry <= 2; retry += 1) {
      await untilIo(() => h.ofType('retry-scheduled').length === retry);
      await vi.advanceTimersByTimeAsync(20_000);
    }
    const result = await run;
    expect(result).toMatchObject({ provider: { id: 'beta' }, switched: true });
    expect(log).toEqual([
      { provider: 'alpha', at: 0 },
      { provider: 'alpha', at: 20_000 },
      { provider: 'alpha', at: 40_000 },
      { provider: 'beta', at: 40_000 },
    ]);
    expect(await h.audit.history('job_1')).toMatchObject([
      {
        fromProvider: 'alpha',
        toProvider: 'beta',
        reason: 'AUTO_AFTER_ERROR',
        errorCategory: 'rate_limit',
        userConfirmed: false,
        elapsedBeforeSwitchMs: 40_000,
      },
    ]);
    expect(h.kit.breakers.get('alpha').state).toMatchObject({
      state: 'closed',
      failures: [T0, T0 + 20_000, T0 + 40_000],
    });
    expect(gamma.requests).toHaveLength(0);
  });

  it('a 503 burst on alpha and beta: each switched at once (provider_overload), gamma answers', async () => {
    alpha.set(CHAT, openAiErrors.overloaded);
    beta.set(CHAT, openAiErrors.overloaded);
    const h = routerHarness(trioProviders());
    const { call, log } = loggedChatCall(T0, { preferred: 'alpha' });
    const result = await h.kit.router.run(call);
    expect(result.provider.id).toBe('gamma');
    expect(log.map((c) => c.provider)).toEqual(['alpha', 'beta', 'gamma']);
    expect(log.every((c) => c.at === 0)).toBe(true);
    expect(await h.audit.history('job_1')).toMatchObject([
      {
        fromProvider: 'alpha',
        toProvider: 'beta',
        reason: 'AUTO_AFTER_ERROR',
        errorCategory: 'provider_overload',
      },
      {
        fromProvider: 'beta',
        toProvider: 'gamma',
        reason: 'AUTO_AFTER_ERROR',
        errorCategory: 'provider_overload',
      },
    ]);
    expect(h.kit.gateway.getLock('job_1')?.providerName).toBe('gamma');
  });

  it('a connection reset mid-stream is retried on the same provider 1 s later (network_error), no switch', async () => {
    alpha.setOnce(CHAT, { kind: 'reset', afterFrames: 2 });
    const h = routerHarness(trioProviders());
    const { call, log } = loggedChatCall(T0, { preferred: 'alpha' });
    const run = h.kit.router.run(call);
    await untilIo(() => alpha.requests.length === 1);
    await vi.advanceTimersByTimeAsync(20); // the fixture destroys the socket 20 ms after the frames
    await untilIo(() => h.ofType('retry-scheduled').length === 1);
    expect(h.ofType('retry-scheduled')[0]).toMatchObject({ category: 'network_error', delayMs: 1000 });
    await vi.advanceTimersByTimeAsync(999);
    expect(log).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(run).resolves.toMatchObject({ provider: { id: 'alpha' }, value: { text: 'Hello, world!' } });
    expect(log).toEqual([
      { provider: 'alpha', at: 0 },
      { provider: 'alpha', at: 1020 },
    ]);
    expect(beta.requests).toHaveLength(0);
    expect(await h.audit.history('job_1')).toEqual([]);
  });

  it('a hang after the first token: AUTO_AFTER_STALL to beta 20 s after that token; alpha’s socket is closed', async () => {
    alpha.set(CHAT, { kind: 'stall', afterFrames: 2 }); // role chunk + "Hello", then nothing
    const h = routerHarness(trioProviders());
    const { call, log, beats } = loggedChatCall(T0, { preferred: 'alpha' });
    const run = h.kit.router.run(call);
    await untilIo(() => beats() === 1);
    await vi.advanceTimersByTimeAsync(19_999); // cloud_llm: 5 000 ms heartbeat × 4
    expect(h.ofType('stall-suspected')).toHaveLength(0);
    expect(log).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    const result = await run;
    expect(result).toMatchObject({ provider: { id: 'beta' }, switched: true });
    expect(log).toEqual([
      { provider: 'alpha', at: 0 },
      { provider: 'beta', at: 20_000 },
    ]);
    expect(await h.audit.history('job_1')).toMatchObject([
      {
        fromProvider: 'alpha',
        toProvider: 'beta',
        reason: 'AUTO_AFTER_STALL',
        errorCategory: 'timeout',
        elapsedBeforeSwitchMs: 20_000,
        userConfirmed: false,
      },
    ]);
    await untilIo(() => alpha.requests[0]?.clientClosedEarly === true);
    expect(h.kit.breakers.get('alpha').state).toMatchObject({ state: 'closed', failures: [] });
  });

  it('a cold start (first token after 19 999 ms, then one every 15 s) is patience, never a switch', async () => {
    alpha.set(CHAT, { kind: 'manual' });
    const h = routerHarness(trioProviders());
    const { call, log, beats } = loggedChatCall(T0, { preferred: 'alpha' });
    const run = h.kit.router.run(call);
    const stream = await alpha.manual();
    stream.next(); // role chunk: no content, no progress
    await vi.advanceTimersByTimeAsync(19_999);
    for (let token = 1; token <= 4; token += 1) {
      stream.next();
      await untilIo(() => beats() === token);
      if (token < 4) await vi.advanceTimersByTimeAsync(15_000);
    }
    stream.finish();
    const result = await run;
    expect(result).toMatchObject({
      provider: { id: 'alpha' },
      switched: false,
      value: { text: 'Hello, world!' },
    });
    expect(h.ofType('stall-suspected')).toEqual([]);
    // 64 999 ms in all: past cloud_llm's extended threshold (60 s) into DeepWait, and still no stall.
    expect(h.ofType('latency-category-changed').map((e) => e.to)).toEqual(['Extended', 'DeepWait']);
    expect(log).toEqual([{ provider: 'alpha', at: 0 }]);
    expect(beta.requests.length + gamma.requests.length).toBe(0);
    expect(await h.audit.history('job_1')).toEqual([]);
  });
});
