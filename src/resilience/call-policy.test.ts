import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CallContext, type CallPolicy, createCallContext } from '../domain/call-context.js';
import { systemClock } from '../domain/clock.js';
import { CALL_PIPELINE_ORDER, createCallPipeline, passThroughPolicy, wrap } from './call-policy.js';
import { ErrorRecoveryEngine } from './error-recovery-engine.js';
import { RetryPolicy } from './retry-policy.js';
import { TimeoutPolicy } from './timeout-policy.js';

const identity = { jobId: 'job_1', stage: 'script', provider: 'alpha', correlationId: 'corr_1' };
const context = (): CallContext =>
  createCallContext(identity, { signal: new AbortController().signal, clock: systemClock });

/** A policy that logs entering and leaving, and tags the context it passes on. */
function tracing(name: string, log: string[]): CallPolicy {
  return {
    async execute(fn, ctx) {
      log.push(`${name}>`);
      try {
        return await fn({ ...ctx, call: { ...ctx.call, stage: `${ctx.call.stage}/${name}` } });
      } finally {
        log.push(`<${name}`);
      }
    },
  };
}

describe('wrap', () => {
  it('runs policies outermost first, each seeing the context the outer one passed on', async () => {
    const log: string[] = [];
    const pipeline = wrap(tracing('a', log), tracing('b', log), tracing('c', log));
    const stage = await pipeline.execute(async (ctx) => {
      log.push('fn');
      return ctx.call.stage;
    }, context());
    expect(log).toEqual(['a>', 'b>', 'c>', 'fn', '<c', '<b', '<a']);
    expect(stage).toBe('script/a/b/c');
  });

  it('with no policy is the pass-through', async () => {
    expect(wrap()).toBe(passThroughPolicy);
    await expect(wrap().execute(async () => 42, context())).resolves.toBe(42);
  });
});

describe('createCallPipeline', () => {
  it('composes in the one written order, whatever order the parts are given in, skipping absent ones', async () => {
    expect(CALL_PIPELINE_ORDER).toEqual([
      'budget',
      'retry',
      'breaker',
      'measure',
      'patience',
      'bulkhead',
      'rateLimit',
      'timeout',
    ]);
    const log: string[] = [];
    const pipeline = createCallPipeline({
      timeout: tracing('timeout', log),
      patience: tracing('patience', log),
      breaker: tracing('breaker', log),
      budget: tracing('budget', log),
      retry: tracing('retry', log),
    });
    await pipeline.execute(async () => undefined, context());
    expect(log.filter((l) => l.endsWith('>'))).toEqual([
      'budget>',
      'retry>',
      'breaker>',
      'patience>',
      'timeout>',
    ]);
  });
});

describe('RetryPolicy and TimeoutPolicy', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('retry numbers each attempt in the context it passes on', async () => {
    const retry = new RetryPolicy(new ErrorRecoveryEngine({ random: () => 0, jitter: 0 }));
    const attempts: number[] = [];
    const failures: number[] = [];
    const ctx = {
      ...context(),
      observer: { onAttemptFailed: (r: { attempt: number }) => failures.push(r.attempt) },
    };
    const run = retry.execute(async (c) => {
      attempts.push(c.attempt);
      if (c.attempt < 3) throw Object.assign(new Error('ECONNRESET'), { code: 'ECONNRESET' });
      return 'ok';
    }, ctx);
    await vi.advanceTimersByTimeAsync(60_000);
    await expect(run).resolves.toBe('ok');
    expect(attempts).toEqual([1, 2, 3]);
    expect(failures).toEqual([1, 2]);
  });

  it('timeout aborts the attempt and rejects with a timeout-category error at the limit, not before', async () => {
    const timeout = new TimeoutPolicy(5000);
    let signal: AbortSignal | undefined;
    const run = timeout
      .execute((c) => {
        signal = c.signal;
        return new Promise<never>(() => {});
      }, context())
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(4999);
    expect(signal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await run).toMatchObject({ category: 'timeout', retryable: true, provider: 'alpha' });
    expect(signal?.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});
