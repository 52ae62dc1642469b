import type { CallContext, CallFn, CallPolicy } from '../domain/call-context.js';
import { ReelayError } from '../domain/errors.js';

/**
 * A hard limit on one attempt: after `timeoutMs` on the context's clock the attempt's signal
 * aborts and the attempt rejects with `REELAY_ERR_PROVIDER`, category `timeout`, retryable. Use
 * it for calls without patience monitoring; a monitored call is stopped by its stall policy instead.
 */
export class TimeoutPolicy implements CallPolicy {
  constructor(private readonly timeoutMs: number) {}

  execute<T>(fn: CallFn<T>, ctx: CallContext): Promise<T> {
    const controller = new AbortController();
    const { clock, call } = ctx;
    const onOuterAbort = (): void => controller.abort(ctx.signal.reason);
    if (ctx.signal.aborted) return Promise.reject(ctx.signal.reason);
    ctx.signal.addEventListener('abort', onOuterAbort, { once: true });
    return new Promise<T>((resolve, reject) => {
      const timer = clock.setTimeout(() => {
        const error = new ReelayError(
          'REELAY_ERR_PROVIDER',
          `${call.provider} did not answer on stage "${call.stage}" within ${this.timeoutMs} ms; ` +
            'the attempt was stopped. Raise the timeout or choose a faster provider.',
          {
            provider: call.provider,
            stage: call.stage,
            correlationId: call.correlationId,
            category: 'timeout',
            retryable: true,
          },
        );
        controller.abort(error);
        reject(error);
      }, this.timeoutMs);
      const done = (): void => {
        clock.clearTimeout(timer);
        ctx.signal.removeEventListener('abort', onOuterAbort);
      };
      fn({ ...ctx, signal: controller.signal }).then(
        (value) => {
          done();
          resolve(value);
        },
        (error: unknown) => {
          done();
          reject(error);
        },
      );
    });
  }
}
