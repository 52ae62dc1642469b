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
  resolve: (value: T | Promise<T>) => void,
  reject: (reason: unknown) => void,
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
    reject(thrown);
  }
}
