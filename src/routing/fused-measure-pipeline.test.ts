import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type PipelineSteps,
  runScenario as run,
  type Scenario,
  scenarios,
} from './fused-pipeline-harness.js';
import { MeasurePolicy } from './measure-policy.js';

/**
 * The router's composition on the fast path: measuring between breaker and patience (and, as the
 * routing kit has them, bulkhead and rate limit inside patience) is told synchronously by the
 * patient run and measures the attempt there. Every scenario must end as on the composed path —
 * including the samples recorded (latency, first progress, outcome, category, usage and cost).
 */
const compositions: Record<string, PipelineSteps> = {
  'with measuring': { measure: true },
  'with measuring, bulkhead and rate limit (the routing kit)': { measure: true, inside: true },
};

describe.each(Object.entries(compositions))(
  'the call pipeline %s: fused fast path = composed path',
  (_, steps) => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => {
      vi.useRealTimers();
      vi.restoreAllMocks();
    });

    for (const [name, scenario] of Object.entries(scenarios)) {
      it(name, async () => {
        const measuredFast = vi.spyOn(MeasurePolicy.prototype, 'executeInnerSettled');
        const fused = await run('fused', scenario, steps);
        const usedMeasuredFastPath = measuredFast.mock.calls.length > 0;
        const composed = await run('composed', scenario, steps);
        measuredFast.mockClear();
        const fallback = await run('fallback', scenario, steps);
        const patienceComposed = await run('patience composed', scenario, steps);
        expect(composed.usedFastPath).toBe(false);
        expect(patienceComposed.usedFastPath).toBe(false);
        expect(fused.result).toEqual(composed.result);
        expect(fallback.result).toEqual(composed.result);
        expect(patienceComposed.result).toEqual(composed.result);
        expect(fused.result.active).toBe(0);
        if (!scenario.openFirst) {
          expect(usedMeasuredFastPath).toBe(true);
          // Refused by the lock: the run never starts, the settler is told at once.
          if (!scenario.lockElsewhere) expect(fused.usedFastPath).toBe(true);
        }
      });
    }

    it('the samples say what they should', async () => {
      const one = async (name: string): Promise<Awaited<ReturnType<typeof run>>['result']> =>
        (await run('fused', scenarios[name] as Scenario, steps)).result;
      expect((await one('success')).samples).toEqual([
        { provider: 'OpenAI', operation: 'chat', latencyMs: 0, ok: true },
      ]);
      const recovered = await one('a retryable failure, then success');
      expect(recovered.samples.map((s) => [s.ok, s.category])).toEqual([
        [false, 'api_failure'],
        [true, undefined],
      ]);
      const slow = await one('a slow success (counts against the breaker)');
      expect(slow.samples[0]).toMatchObject({ latencyMs: 12_000, timeToFirstProgressMs: 500, ok: true });
      const priced = await one('a success with usage');
      expect(priced.samples[0]).toMatchObject({ ok: true, usage: { inputTokens: 2000 }, costUsd: 1.5 });
      // A success whose usage cannot be priced: measuring throws, which is a failure (not retried).
      const unpriced = await one('a success measuring cannot price (with measuring: a failure)');
      expect(unpriced.outcomes).toEqual([{ error: 'REELAY_ERR_STAGE_FAILED' }]);
      expect(unpriced.samples).toEqual([
        { provider: 'OpenAI', operation: 'chat', latencyMs: 0, ok: false, category: 'system_error' },
      ]);
      // Stopped by the caller: not measured.
      expect((await one('a caller abort')).samples).toEqual([]);
    });
  },
);
