import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MeasurePolicy } from '../../src/routing/measure-policy.js';
import { chatCall, fail, ok, routerHarness, ScriptedLlm, stream } from './router-harness.js';

const T0 = Date.UTC(2026, 4, 1, 9, 0, 0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/**
 * The router's own pipeline (budget → retry → breaker → measure → patience → bulkhead → rate
 * limit, as `createRoutingKit` composes it) takes the fast path: the patient run settles the call
 * and measuring, breaker and retry are told synchronously.
 */
describe("the router's calls take the pipeline's fast path", () => {
  it('a call is measured by the run settling it, with its first progress and spend', async () => {
    const alpha = new ScriptedLlm('alpha', {
      script: [stream(100, 3)],
      costModel: { unit: 'token_1k', usdPerUnit: 1000 },
    });
    const h = routerHarness([alpha]);
    const settled = vi.spyOn(h.kit.gateway, 'executeSettled');
    const measured = vi.spyOn(MeasurePolicy.prototype, 'executeInnerSettled');
    const measuredComposed = vi.spyOn(MeasurePolicy.prototype, 'execute');
    const run = h.kit.router.run(chatCall({ preferred: 'alpha' }));
    await vi.advanceTimersByTimeAsync(1_000);
    const result = await run;
    expect(result).toMatchObject({ provider: { id: 'alpha' }, value: { text: 'streamed 3' } });
    expect(settled).toHaveBeenCalledTimes(1);
    expect(measured).toHaveBeenCalledTimes(1);
    expect(measuredComposed).not.toHaveBeenCalled();
    expect(h.kit.tracker.recent('alpha')).toEqual([
      expect.objectContaining({ ok: true, latencyMs: 300, timeToFirstProgressMs: 100, costUsd: 2 }),
    ]);
    expect(h.kit.costs.spent({ jobId: 'job_1' })).toBe(2);
  });

  it('a failed attempt: measured, counted by the breaker and retried — all from the run', async () => {
    const alpha = new ScriptedLlm('alpha', { script: [fail('api_failure'), ok('second')] });
    const h = routerHarness([alpha]);
    const settled = vi.spyOn(h.kit.gateway, 'executeSettled');
    const run = h.kit.router.run(chatCall({ preferred: 'alpha' }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await run).toMatchObject({ provider: { id: 'alpha' }, value: { text: 'second' } });
    // Attempt 1 on the fast path; the retry passes the breaker as a policy (composed path).
    expect(settled).toHaveBeenCalledTimes(1);
    expect(h.kit.tracker.recent('alpha').map((r) => [r.ok, r.category])).toEqual([
      [false, 'api_failure'],
      [true, undefined],
    ]);
  });
});
