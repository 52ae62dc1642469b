import type { CallContext, CallFn, CallPolicy } from '../domain/call-context.js';
import type { BreakerPolicy } from './breaker-policy.js';
import type { RetryPolicy } from './retry-policy.js';

/**
 * Retry around the circuit breaker as ONE step of the call pipeline (`wrap` builds it when a
 * {@link RetryPolicy} directly wraps a {@link BreakerPolicy}). Behaviour is that of the two
 * policies nested; what it saves is a continuation: on the fast path — first attempt, breaker
 * closed — the attempt gets one reaction whose handlers do the breaker's accounting and, after a
 * failure, hand over to retry's recovery, instead of one promise, reaction and closures per
 * layer for every pending call. Any other case (an open or half-open breaker, an aborted signal)
 * runs the nested policies as they are, and further attempts always pass the breaker as a policy.
 */
export class RetryThroughBreaker implements CallPolicy {
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
    let running: Promise<T>;
    try {
      running = Promise.resolve(this.inner === undefined ? fn(c) : this.inner.execute(fn, c));
    } catch (error) {
      running = Promise.reject(error);
    }
    return running.then(
      (value) => {
        breaker.settleCall(undefined, startedAt);
        return value;
      },
      (error: unknown) => {
        breaker.failCall(undefined, startedAt, error, c.signal);
        return this.retry.recover(error, this.nested, fn, ctx);
      },
    );
  }
}
