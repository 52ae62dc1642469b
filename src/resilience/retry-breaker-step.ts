import type { CallContext, CallFn, CallPolicy, CallSettler } from '../domain/call-context.js';
import type { BreakerPolicy } from './breaker-policy.js';
import type { RetryPolicy } from './retry-policy.js';

/**
 * Retry around the circuit breaker as ONE step of the call pipeline (`wrap` builds it when a
 * {@link RetryPolicy} directly wraps a {@link BreakerPolicy}). Behaviour is that of the two
 * policies nested; what it saves is continuations. On the fast path — first attempt, breaker
 * closed, signal not aborted — when the policy inside the breaker settles calls itself
 * ({@link CallPolicy.executeSettled}, patience does) that policy's promise IS the pipeline's: it
 * tells this step synchronously when the call ends ({@link CallSettler}), the breaker's accounting
 * runs then, and after a failure retry's recovery takes over — one reaction for the whole call.
 * With any other inner policy the attempt gets one reaction whose handlers do the same. Any other
 * case (an open or half-open breaker, an aborted signal) runs the nested policies as they are, and
 * further attempts always pass the breaker as a policy.
 */
export class RetryThroughBreaker implements CallPolicy, CallSettler {
  /**
   * @param inner what the breaker wraps (undefined: the call itself).
   * @param nested the breaker wrapping `inner`, as composed by `wrap`.
   */
  constructor(
    private readonly retry: RetryPolicy,
    private readonly breaker: BreakerPolicy,
    private readonly inner: CallPolicy | undefined,
    private readonly nested: CallPolicy,
  ) {}

  execute<T>(fn: CallFn<T>, ctx: CallContext): Promise<T> {
    const breaker = this.breaker.breakerOf(ctx.call.provider);
    if (ctx.signal.aborted || !breaker.admitsClosed()) return this.retry.executeInner(this.nested, fn, ctx);
    // Attempt 1 with a context that says so (as the retry policy gives it).
    const c = ctx.attempt === 1 ? ctx : { ...ctx, attempt: 1 };
    const startedAt = breaker.now();
    const { inner } = this;
    if (inner?.executeSettled !== undefined) return inner.executeSettled(fn, c, this, startedAt);
    let running: Promise<T>;
    try {
      running = Promise.resolve(inner === undefined ? fn(c) : inner.execute(fn, c));
    } catch (error) {
      running = Promise.reject(error);
    }
    return running.then(
      (value) => this.callSucceeded(value, fn, c, startedAt),
      (error: unknown) => this.callFailed(error, fn, c, startedAt),
    );
  }

  /** Attempt 1 succeeded: the closed breaker's accounting (a slow success counts as a failure). */
  callSucceeded<T>(value: T, _fn: CallFn<T>, ctx: CallContext, startedAt: number): T {
    this.breaker.breakerOf(ctx.call.provider).settleCall(undefined, startedAt);
    return value;
  }

  /** Attempt 1 failed: the breaker counts it (unless `ctx.signal` was aborted), retry recovers. */
  callFailed<T>(error: unknown, fn: CallFn<T>, ctx: CallContext, startedAt: number): Promise<T> {
    this.breaker.breakerOf(ctx.call.provider).failCall(undefined, startedAt, error, ctx.signal);
    return this.retry.recover(error, this.nested, fn, ctx);
  }
}
