import { describe, expect, it, vi } from 'vitest';
import { OPENAI_ROUTES, openAiErrors } from '../fixtures/llm-tts/openai-fixture.js';
import { closedPortUrl } from '../support/closed-port.js';
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
const { alpha, beta } = trioFixtures;
const CHAT = OPENAI_ROUTES.chat;

useTrioWithFakeTime();

describe('router end to end: circuit breaker across runs', () => {
  it('5 runs with alpha answering 503 open its breaker; run 6 skips alpha (AUTO_CIRCUIT_OPEN); after 60 s a probe succeeds', async () => {
    alpha.set(CHAT, openAiErrors.overloaded);
    const h = routerHarness(trioProviders());
    const changes: string[] = [];
    h.kit.breakers.onStateChange((c) => changes.push(`${c.provider}:${c.from}->${c.to}`));
    for (let job = 1; job <= 5; job += 1) {
      const { call } = loggedChatCall(T0, { jobId: `job_${job}`, preferred: 'alpha' });
      const result = await h.kit.router.run(call);
      expect(result.provider.id).toBe('beta');
      expect(h.kit.breakers.isOpen('alpha')).toBe(job === 5);
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect(alpha.requests).toHaveLength(5);
    expect(changes).toEqual(['alpha:closed->open']);

    const sixth = loggedChatCall(T0, { jobId: 'job_6', preferred: 'alpha' });
    const result = await h.kit.router.run(sixth.call);
    expect(result.provider.id).toBe('beta');
    expect(alpha.requests).toHaveLength(5);
    expect(sixth.log.map((c) => c.provider)).toEqual(['beta']);
    expect(await h.audit.history('job_6')).toMatchObject([
      {
        fromProvider: 'alpha',
        toProvider: 'beta',
        reason: 'AUTO_CIRCUIT_OPEN',
        errorCategory: 'provider_overload',
      },
    ]);
    for (let job = 1; job <= 5; job += 1) {
      expect(await h.audit.history(`job_${job}`)).toMatchObject([
        { reason: 'AUTO_AFTER_ERROR', errorCategory: 'provider_overload' },
      ]);
    }
    // Opened by run 5 at T0 + 4 000 ms; recovery timeout 60 000 ms; now is T0 + 5 000 ms.
    alpha.set(CHAT, { kind: 'ok' }); // alpha has recovered meanwhile
    await vi.advanceTimersByTimeAsync(4_000 + 60_000 - 5_000 - 1);
    expect(h.kit.breakers.isOpen('alpha')).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.kit.breakers.isOpen('alpha')).toBe(false);
    const probe = loggedChatCall(T0, { jobId: 'job_7', preferred: 'alpha' });
    await expect(h.kit.router.run(probe.call)).resolves.toMatchObject({ provider: { id: 'alpha' } });
    expect(alpha.requests).toHaveLength(6);
    expect(changes).toEqual(['alpha:closed->open', 'alpha:open->half_open']);
    expect(await h.audit.history('job_7')).toEqual([]);
  });

  it('a dead provider (connection refused): network_error retried at 1, 2, 4 s, then AUTO_AFTER_ERROR to beta', async () => {
    const h = routerHarness(trioProviders({ alpha: `${await closedPortUrl()}/v1` }));
    const { call, log } = loggedChatCall(T0, { preferred: 'alpha' });
    const run = h.kit.router.run(call);
    for (let retry = 1; retry <= 3; retry += 1) {
      await untilIo(() => h.ofType('retry-scheduled').length === retry);
      await vi.advanceTimersByTimeAsync(1000 * 2 ** (retry - 1));
    }
    const result = await run;
    expect(result).toMatchObject({ provider: { id: 'beta' }, switched: true });
    expect(log).toEqual([
      { provider: 'alpha', at: 0 },
      { provider: 'alpha', at: 1_000 },
      { provider: 'alpha', at: 3_000 },
      { provider: 'alpha', at: 7_000 },
      { provider: 'beta', at: 7_000 },
    ]);
    const [decision] = await h.audit.history('job_1');
    expect(decision).toMatchObject({ reason: 'AUTO_AFTER_ERROR', errorCategory: 'network_error' });
    const failed = h.ofType('hard-error');
    expect(failed).toHaveLength(4);
    expect(failed[0]?.message).toMatch(/Alpha is not reachable at .*connection refused/);
    expect(beta.requests).toHaveLength(1);
  });
});
