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
    const observer = ctx.observer;
    return this.engine.execute((attempt) => fn(attempt === ctx.attempt ? ctx : { ...ctx, attempt }), {
      provider: ctx.call.provider,
      signal: ctx.signal,
      ...(observer?.onAttemptFailed ? { onAttemptFailed: (r) => observer.onAttemptFailed?.(r) } : {}),
      ...(observer?.onRetryScheduled
        ? {
            onRetryScheduled: (r) =>
              observer.onRetryScheduled?.({ attempt: r.attempt, delayMs: r.delayMs, category: r.category }),
          }
        : {}),
    });
  }
}
