import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CallContext, type CallPolicy, createCallContext } from '../domain/call-context.js';
import { systemClock } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import { makeGateway } from '../patience/gateway-test-harness.js';
import { PatiencePolicy } from '../patience/patience-policy.js';
import { BreakerPolicy } from '../resilience/breaker-policy.js';
import { createCallPipeline } from '../resilience/call-policy.js';
import { CircuitBreakerRegistry } from '../resilience/circuit-breaker-registry.js';
import { ErrorRecoveryEngine } from '../resilience/error-recovery-engine.js';
import { RetryPolicy } from '../resilience/retry-policy.js';

/**
 * The pipeline's fast path (the patient run settles the whole call and tells retry and breaker
 * synchronously) against the composed path (patience hidden from the fused step, so each layer
 * keeps its own continuation): every scenario must end the same — outcome, attempts, gateway
 * events, breaker state and transitions, decisions recorded, what the observer heard.
 */

const identity = { jobId: 'job-1', stage: 'script', provider: 'OpenAI', correlationId: 'corr-1' };
const tick = async (ms: number): Promise<void> => {
  await vi.advanceTimersByTimeAsync(ms);
};

const apiFailure = (): ReelayError =>
  new ReelayError('REELAY_ERR_PROVIDER', 'upstream 502', { category: 'api_failure', retryable: true });
const authFailure = (): ReelayError =>
  new ReelayError('REELAY_ERR_PROVIDER', 'bad key', { category: 'authentication', retryable: false });

interface Scenario {
  /** What attempt n (from 1) does, given its context. */
  attempt(n: number, ctx: CallContext): Promise<string>;
  fallbackPolicy?: 'off' | 'ask';
  /** Lock the job to another provider first (the call is refused before it runs). */
  lockElsewhere?: boolean;
  /** Open the breaker by hand first. */
  openFirst?: boolean;
  /** Runs while the call is pending (advance time, abort). */
  during?(controls: { abort(reason?: unknown): void }): Promise<void>;
  /** Calls in a row (the breaker sees all of them). */
  calls?: number;
}

/** `fused`: the fast path; `composed`: the layers nested; `fallback`: the fast path over a gateway without `executeSettled`. */
async function run(mode: 'fused' | 'composed' | 'fallback', scenario: Scenario) {
  const fused = mode !== 'composed';
  const h = makeGateway();
  if (scenario.lockElsewhere) h.gateway.lockProvider('job-1', 'Ollama', 'local_llm', 'corr-1');
  const breakers = new CircuitBreakerRegistry({
    defaults: { failureThreshold: 2, slowCallThresholdMs: 10_000 },
  });
  const transitions: string[] = [];
  breakers.onStateChange((c) => transitions.push(`${c.from}->${c.to}`));
  if (scenario.openFirst) breakers.get('OpenAI').open('maintenance');
  const engine = new ErrorRecoveryEngine({
    strategies: { api_failure: { maxRetries: 1, backoff: 'fixed', baseMs: 0, maxMs: 0 } },
    jitter: 0,
  });
  const patience = new PatiencePolicy(
    mode === 'fallback' ? { executeWithPatience: (req) => h.gateway.executeWithPatience(req) } : h.gateway,
  );
  const settled = vi.spyOn(h.gateway, 'executeSettled');
  const pipeline = createCallPipeline({
    retry: new RetryPolicy(engine),
    breaker: new BreakerPolicy(breakers),
    // Hidden from the fused step: it nests the policies as they are.
    patience: fused ? patience : ({ execute: (fn, ctx) => patience.execute(fn, ctx) } satisfies CallPolicy),
  });
  const heard: string[] = [];
  const attempts: number[] = [];
  const outcomes: unknown[] = [];
  for (let i = 0; i < (scenario.calls ?? 1); i++) {
    const controller = new AbortController();
    const ctx = createCallContext(identity, {
      signal: controller.signal,
      clock: systemClock,
      profile: {
        providerType: 'cloud_llm',
        heartbeatKind: 'token_count',
        fallbackPolicy: scenario.fallbackPolicy,
      },
      observer: {
        onAttemptFailed: (r) => heard.push(`failed ${r.attempt} ${r.category}`),
        onRetryScheduled: (r) => heard.push(`retry ${r.attempt}`),
        onInterrupted: (reason) => {
          heard.push(`interrupted ${ReelayError.isInstance(reason) ? reason.code : String(reason)}`);
          controller.abort(reason);
        },
      },
    });
    const call = pipeline
      .execute((c) => {
        attempts.push(c.attempt);
        return scenario.attempt(attempts.length, c);
      }, ctx)
      .then(
        (value) => ({ value }),
        (error: unknown) => ({ error: ReelayError.isInstance(error) ? error.code : String(error) }),
      );
    let done = false;
    void call.finally(() => {
      done = true;
    });
    await scenario.during?.({ abort: (reason) => controller.abort(reason) });
    // Backoff waits and stalls of further attempts run on the fake timers too.
    for (let waited = 0; !done && waited < 200_000; waited += 1_000) await tick(1_000);
    outcomes.push(await call);
  }
  return {
    usedFastPath: settled.mock.calls.length > 0,
    result: {
      outcomes,
      attempts,
      heard,
      events: h.events.map((e) => e.type),
      breaker: breakers.get('OpenAI').state.state,
      transitions,
      decisions: (await h.gateway.getFallbackHistory('job-1')).map((d) => d.reason),
      active: h.gateway.getActiveOperations().length,
    },
  };
}

const answer = (value: string) => async (): Promise<string> => value;
const pending = (): Promise<string> => new Promise(() => {});
const scenarios: Record<string, Scenario> = {
  success: { attempt: answer('ok') },
  'a retryable failure, then success': {
    attempt: async (n) => {
      if (n === 1) throw apiFailure();
      return 'second';
    },
  },
  'a failure that is not retried': {
    attempt: async () => {
      throw authFailure();
    },
  },
  'failures that open the breaker, then a refused call': {
    attempt: async () => {
      throw apiFailure();
    },
    calls: 2,
  },
  'an open breaker': { attempt: answer('never'), openFirst: true },
  'a slow success (counts against the breaker)': {
    attempt: (_n, ctx) =>
      new Promise((resolve) => {
        ctx.heartbeat({ tokens: 1 });
        setTimeout(() => resolve('slow'), 12_000);
      }),
    calls: 2,
    during: () => tick(12_000),
  },
  'a call refused by the lock': { attempt: answer('never'), lockElsewhere: true },
  'a stall under off': { attempt: pending, fallbackPolicy: 'off', during: () => tick(25_000) },
  'a caller abort': {
    attempt: pending,
    during: async ({ abort }) => {
      await tick(100);
      abort(new Error('user left'));
      await tick(0);
    },
  },
  'an operation that throws synchronously': {
    attempt: (n) => {
      if (n === 1) throw apiFailure();
      return Promise.resolve('after a throw');
    },
  },
};

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
    const stalled = (await run('fused', scenarios['a stall under off'] as Scenario)).result;
    // Stalled, retried (a stall is retryable), stalled again: recovery gives up.
    expect(stalled.outcomes).toEqual([{ error: 'REELAY_ERR_STAGE_FAILED' }]);
    expect(stalled.events.filter((e) => e === 'stall-suspected')).toHaveLength(stalled.attempts.length);
    const aborted = (await run('fused', scenarios['a caller abort'] as Scenario)).result;
    expect(aborted.outcomes).toEqual([{ error: 'REELAY_ERR_CANCELED' }]);
    expect(aborted.breaker).toBe('closed');
  });
});
