import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runScenario as run, type Scenario, scenarios } from './fused-pipeline-harness.js';

/**
 * The pipeline's fast path (the patient run settles the whole call and tells retry and breaker
 * synchronously) against the composed path (patience hidden from the fused step, so each layer
 * keeps its own continuation): every scenario must end the same — outcome, attempts, gateway
 * events, breaker state and transitions, decisions recorded, what the observer heard.
 */
describe('the call pipeline: fused fast path = composed path', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  for (const [name, scenario] of Object.entries(scenarios)) {
    it(name, async () => {
      const fused = await run('fused', scenario);
      const composed = await run('composed', scenario);
      const fallback = await run('fallback', scenario);
      expect(composed.usedFastPath).toBe(false);
      expect(fused.result).toEqual(composed.result);
      expect(fallback.result).toEqual(composed.result);
      expect(fused.result.active).toBe(0);
      if (!scenario.openFirst && !scenario.lockElsewhere) expect(fused.usedFastPath).toBe(true);
    });
  }

  it('the scenarios say what they should (concrete facts of the fast path)', async () => {
    const recovered = (await run('fused', scenarios['a retryable failure, then success'] as Scenario)).result;
    expect(recovered.outcomes).toEqual([{ value: 'second' }]);
    expect(recovered.attempts).toEqual([1, 2]);
    expect(recovered.events).toEqual([
      'request-start',
      'latency-category-changed',
      'hard-error',
      'request-start',
      'request-complete',
    ]);
    const opened = (
      await run('fused', scenarios['failures that open the breaker, then a refused call'] as Scenario)
    ).result;
    expect(opened.breaker).toBe('open');
    expect(opened.transitions).toEqual(['closed->open']);
    // The second call never reaches the provider: the open circuit refuses it (recovery gives up).
    expect(opened.attempts).toEqual([1, 2]);
    expect(opened.outcomes[1]).toEqual({ error: 'REELAY_ERR_STAGE_FAILED' });
    const slow = (await run('fused', scenarios['a slow success (counts against the breaker)'] as Scenario))
      .result;
    expect(slow.outcomes).toEqual([{ value: 'slow' }, { value: 'slow' }]);
    expect(slow.breaker).toBe('open');
    expect(slow.heard).toEqual(['beat {"tokens":1}', 'beat {"tokens":1}']);
    const stalled = (await run('fused', scenarios['a stall under off'] as Scenario)).result;
    // Stalled, retried (a stall is retryable), stalled again: recovery gives up.
    expect(stalled.outcomes).toEqual([{ error: 'REELAY_ERR_STAGE_FAILED' }]);
    expect(stalled.events.filter((e) => e === 'stall-suspected')).toHaveLength(stalled.attempts.length);
    const aborted = (await run('fused', scenarios['a caller abort'] as Scenario)).result;
    expect(aborted.outcomes).toEqual([{ error: 'REELAY_ERR_CANCELED' }]);
    expect(aborted.breaker).toBe('closed');
  });
});
