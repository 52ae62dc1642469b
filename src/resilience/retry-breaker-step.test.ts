import { describe, expect, it } from 'vitest';
import { type CallPolicy, createCallContext } from '../domain/call-context.js';
import { systemClock } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import { BreakerPolicy } from './breaker-policy.js';
import { wrap } from './call-policy.js';
import { CircuitBreakerRegistry } from './circuit-breaker-registry.js';
import { ErrorRecoveryEngine } from './error-recovery-engine.js';
import { RetryThroughBreaker } from './retry-breaker-step.js';
import { RetryPolicy } from './retry-policy.js';

const identity = { jobId: 'job_1', stage: 'script', provider: 'alpha', correlationId: 'corr_1' };

/** Retry (no backoff wait) around a breaker that opens after two counted failures. */
function parts(): { retry: RetryPolicy; breaker: BreakerPolicy; breakers: CircuitBreakerRegistry } {
  const engine = new ErrorRecoveryEngine({
    strategies: { api_failure: { maxRetries: 3, backoff: 'fixed', baseMs: 0, maxMs: 0 } },
    jitter: 0,
  });
  const breakers = new CircuitBreakerRegistry({ defaults: { failureThreshold: 2 } });
  return { retry: new RetryPolicy(engine), breaker: new BreakerPolicy(breakers), breakers };
}

/** The same breaker, hidden from `wrap` so that it nests the two policies as they are. */
const opaque = (policy: CallPolicy): CallPolicy => ({ execute: (fn, ctx) => policy.execute(fn, ctx) });

const apiFailure = (): ReelayError =>
  new ReelayError('REELAY_ERR_PROVIDER', 'upstream 502', { category: 'api_failure', retryable: true });

/** Runs a call that fails `failures` times and then answers; reports what each path saw. */
async function scenario(fused: boolean, failures: number, openFirst = false) {
  const { retry, breaker, breakers } = parts();
  if (openFirst) breakers.get('alpha').open('maintenance');
  const pipeline = wrap(retry, fused ? breaker : opaque(breaker));
  const attempts: number[] = [];
  const outcome = await pipeline
    .execute(
      async (ctx) => {
        attempts.push(ctx.attempt);
        if (attempts.length <= failures) throw apiFailure();
        return 'answer';
      },
      createCallContext(identity, { signal: new AbortController().signal, clock: systemClock }),
    )
    .then(
      (value) => ({ value }),
      (error: unknown) => ({ code: ReelayError.isInstance(error) ? error.code : String(error) }),
    );
  return { pipeline, outcome, attempts, state: breakers.get('alpha').state.state };
}

describe('RetryThroughBreaker', () => {
  it('is what wrap builds for retry directly around the breaker', () => {
    const { retry, breaker } = parts();
    expect(wrap(retry, breaker)).toBeInstanceOf(RetryThroughBreaker);
    expect(wrap(retry, opaque(breaker))).not.toBeInstanceOf(RetryThroughBreaker);
  });

  it('behaves as the nested policies: success, a recovered failure, an opened circuit, an open one', async () => {
    for (const [failures, openFirst] of [
      [0, false],
      [1, false],
      [2, false],
      [0, true],
    ] as const) {
      const fused = await scenario(true, failures, openFirst);
      const nested = await scenario(false, failures, openFirst);
      expect(fused.pipeline).toBeInstanceOf(RetryThroughBreaker);
      expect({ ...fused, pipeline: undefined }).toEqual({ ...nested, pipeline: undefined });
    }
    // The concrete facts for the fused path.
    expect((await scenario(true, 1)).outcome).toEqual({ value: 'answer' });
    expect((await scenario(true, 1)).attempts).toEqual([1, 2]);
    const opened = await scenario(true, 2);
    expect(opened.state).toBe('open');
    expect(opened.attempts).toEqual([1, 2]);
    expect((await scenario(true, 0, true)).attempts).toEqual([]);
  });
});
