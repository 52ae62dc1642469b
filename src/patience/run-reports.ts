import { logEnabled } from './log-gate.js';
import { hostListens as listens, type PatientCallHost, type RunningEntry } from './patient-call-host.js';
import { callRef, hardErrorFacts } from './running-operation.js';

/**
 * The log records and events of one patient call's life (start, completion, hard error), each
 * built only when a logger level or a listener would receive it. Split from the run itself
 * (`patient-run.ts`): the run decides WHEN, these say WHAT is reported.
 */

/** `PROVIDER_REQUEST_START` and `request-start`. */
export function reportStart(host: PatientCallHost, run: RunningEntry, attempt: number): void {
  if (logEnabled(host.logger, 'info')) {
    host.logger.info(
      {
        tag: 'PROVIDER_REQUEST_START',
        ...callRef(run),
        attempt,
        heartbeatKind: run.heartbeatKind,
        profile: run.profile.patienceProfile,
      },
      `${run.providerName} call started on ${run.stage}`,
    );
  }
  if (listens(host, 'request-start')) {
    host.emit({
      type: 'request-start',
      ...callRef(run),
      timestamp: new Date(host.clock.now()).toISOString(),
      attempt,
    });
  }
}

/** `PROVIDER_REQUEST_COMPLETE` and `request-complete` (may throw: a listener or logger failed). */
export function reportComplete(host: PatientCallHost, run: RunningEntry): void {
  const log = logEnabled(host.logger, 'info');
  if (!log && !listens(host, 'request-complete')) return;
  const now = host.clock.now();
  const durationMs = now - run.startedAt;
  const ref = callRef(run);
  if (log) {
    host.logger.info(
      { tag: 'PROVIDER_REQUEST_COMPLETE', ...ref, durationMs },
      `${run.providerName} completed ${run.stage}`,
    );
  }
  host.emit({ type: 'request-complete', ...ref, timestamp: new Date(now).toISOString(), durationMs });
}

/**
 * A hard failure: the detector marks the call Error; `PROVIDER_HARD_ERROR` (a warning when the
 * failure is retryable — usually recovered by a retry or a fallback —, else an error) and `hard-error`.
 */
export function reportHardError(
  host: PatientCallHost,
  run: RunningEntry,
  attempt: number,
  error: unknown,
): void {
  host.detector.markError(run.operationId);
  const facts = hardErrorFacts(error);
  const ref = callRef(run);
  const level = facts.retryable ? 'warn' : 'error';
  if (logEnabled(host.logger, level)) {
    host.logger[level](
      {
        tag: 'PROVIDER_HARD_ERROR',
        ...ref,
        attempt,
        category: facts.category,
        retryable: facts.retryable,
        err: error,
      },
      `${run.providerName} failed on ${run.stage}: ${facts.message}`,
    );
  }
  if (listens(host, 'hard-error')) {
    host.emit({
      type: 'hard-error',
      ...ref,
      timestamp: new Date(host.clock.now()).toISOString(),
      ...facts,
      attempt,
    });
  }
}
