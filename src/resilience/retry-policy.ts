import type { CallContext, CallFn, CallPolicy } from '../domain/call-context.js';
import type { ErrorRecoveryEngine } from './error-recovery-engine.js';

/**
 * Same-provider retries as a call policy: the {@link ErrorRecoveryEngine} decides per error
 * category whether and when to retry (a provider's Retry-After replaces the backoff), and each
 * attempt gets a context with its `attempt` number. Rejects with `RecoveryExhaustedError` when
 * recovery on this provider is over; an abort through `ctx.signal` is rethrown as it is.
 */
export class RetryPolicy implements CallPolicy {
  constructor(private readonly engine: ErrorRecoveryEngine) {}

  execute<T>(fn: CallFn<T>, ctx: CallContext): Promise<T> {
    return this.run(undefined, fn, ctx);
  }

  executeInner<T>(inner: CallPolicy, fn: CallFn<T>, ctx: CallContext): Promise<T> {
    return this.run(inner, fn, ctx);
  }

  /**
   * Fast path: the first attempt runs directly, with only a rejection handler attached; the
   * recovery engine (records, backoff, further attempts) is entered only after a failure.
   */
  private run<T>(inner: CallPolicy | undefined, fn: CallFn<T>, ctx: CallContext): Promise<T> {
    const { signal } = ctx;
    if (signal.aborted) return Promise.reject(signal.reason);
    let first: Promise<T>;
    try {
      first = Promise.resolve(attemptOf(inner, fn, ctx, 1));
    } catch (error) {
      first = Promise.reject(error);
    }
    return first.then(undefined, (error: unknown) => this.recover(error, inner, fn, ctx));
  }

  /**
   * Recovery after a failed first attempt: the engine classifies `error` and runs further attempts
   * through `inner` (or `fn` directly). @internal used by the fused retry-and-breaker step
   */
  recover<T>(error: unknown, inner: CallPolicy | undefined, fn: CallFn<T>, ctx: CallContext): Promise<T> {
    const observer = ctx.observer;
    return this.engine.execute(
      (attempt) => attemptOf(inner, fn, ctx, attempt),
      {
        provider: ctx.call.provider,
        signal: ctx.signal,
        ...(observer?.onAttemptFailed ? { onAttemptFailed: (r) => observer.onAttemptFailed?.(r) } : {}),
        ...(observer?.onRetryScheduled
          ? {
              onRetryScheduled: (r) =>
                observer.onRetryScheduled?.({ attempt: r.attempt, delayMs: r.delayMs, category: r.category }),
            }
          : {}),
      },
      { error },
    );
  }
}

/** Runs attempt number `attempt` with a context that carries that number. */
function attemptOf<T>(
  inner: CallPolicy | undefined,
  fn: CallFn<T>,
  ctx: CallContext,
  attempt: number,
): Promise<T> {
  const c = attempt === ctx.attempt ? ctx : { ...ctx, attempt };
  return inner === undefined ? fn(c) : inner.execute(fn, c);
}
