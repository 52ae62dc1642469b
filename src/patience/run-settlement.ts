import type { CallContext, CallFn, CallSettler } from '../domain/call-context.js';
import { isInterruption } from './running-operation.js';

/**
 * A patient call on the pipeline's fast path failed with `error`: as the composed path would, the
 * pipeline's observer hears of an interruption first (a throw there becomes the failure), then
 * the settler does its accounting and the call's promise follows what the settler makes of the
 * failure (retry's recovery), or rejects with what the settler threw.
 */
export function settleFailure<T>(
  settler: CallSettler,
  startedAt: number,
  fn: CallFn<T>,
  ctx: CallContext,
  resolve: (value: T | PromiseLike<T>) => void,
  error: unknown,
): void {
  let failure = error;
  const observer = ctx.observer;
  try {
    if (observer?.onInterrupted !== undefined && isInterruption(failure)) observer.onInterrupted(failure);
  } catch (thrown) {
    failure = thrown;
  }
  try {
    resolve(settler.callFailed(failure, fn, ctx, startedAt));
  } catch (thrown) {
    rejectThrough(resolve, thrown);
  }
}

/**
 * Rejects a promise through its resolve function, with a thenable that rejects with `error` as
 * soon as the promise adopts it (one microtask): a pending run keeps only its promise's resolve
 * function, not the reject function too (56 B and a field per pending call).
 */
export function rejectThrough<T>(resolve: (value: T | PromiseLike<T>) => void, error: unknown): void {
  resolve(new Rejection<T>(error));
}

/** A thenable that rejects with its error (see {@link rejectThrough}). */
class Rejection<T> implements PromiseLike<T> {
  constructor(private readonly error: unknown) {}

  // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose, adopted by the promise it resolves.
  then<R1 = T, R2 = never>(
    _onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): PromiseLike<R1 | R2> {
    onRejected?.(this.error);
    return this as unknown as PromiseLike<R1 | R2>;
  }
}
