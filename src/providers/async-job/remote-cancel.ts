import type { Clock, TimerHandle } from '../../domain/clock.js';
import { ReelayError } from '../../domain/errors.js';

/** What happened to the remote work when a call stopped early. */
export type RemoteCancelOutcome = 'canceled' | 'failed' | 'timed_out' | 'unsupported';

/**
 * Calls a remote cancel (or interrupt) once, bounded by `timeoutMs` on `clock`: its signal is
 * aborted at the deadline and the outcome is `timed_out` even if the call ignores the signal.
 * Never throws.
 *
 * @example const outcome = await callBounded(clock, 5000, (s) => api.deleteTask(id, s));
 */
export async function callBounded(
  clock: Clock,
  timeoutMs: number,
  call: (signal: AbortSignal) => Promise<unknown>,
): Promise<RemoteCancelOutcome> {
  const controller = new AbortController();
  let timer: TimerHandle | undefined;
  const timedOut = new Promise<RemoteCancelOutcome>((resolve) => {
    timer = clock.setTimeout(() => {
      controller.abort(new Error('remote cancel timed out'));
      resolve('timed_out');
    }, timeoutMs);
  });
  let attempt: Promise<RemoteCancelOutcome>;
  try {
    attempt = call(controller.signal).then(
      (): RemoteCancelOutcome => 'canceled',
      (): RemoteCancelOutcome => (controller.signal.aborted ? 'timed_out' : 'failed'),
    );
  } catch {
    attempt = Promise.resolve('failed');
  }
  try {
    return await Promise.race([attempt, timedOut]);
  } finally {
    if (timer !== undefined) clock.clearTimeout(timer);
  }
}

/**
 * The error a provider call rejects with when its signal aborted: the abort reason itself when it
 * is a ReelayError (e.g. the gateway's stall), else `REELAY_ERR_CANCELED` saying what became of
 * the remote work (`outcome` undefined = it had already finished).
 */
export function remoteCanceledError(
  provider: string,
  what: string,
  reason: unknown,
  outcome: RemoteCancelOutcome | undefined,
  details: Record<string, unknown> = {},
): ReelayError {
  if (ReelayError.isInstance(reason)) return reason;
  const remote =
    outcome === 'canceled'
      ? 'the remote work was canceled'
      : outcome === undefined
        ? 'the remote work had already finished'
        : `the remote work could not be canceled (${outcome}); it may still finish and be billed`;
  return new ReelayError('REELAY_ERR_CANCELED', `${provider} ${what} was stopped: ${remote}.`, {
    cause: reason,
    provider,
    details: { ...details, remoteCancel: outcome },
  });
}
