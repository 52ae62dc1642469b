import type { Clock } from '../domain/clock.js';
import { errorMessage, ReelayError } from '../domain/errors.js';
import type { HealthReport } from '../domain/provider.js';
import { redactKeyLike } from '../domain/redact.js';

/** A running health check started by {@link startTimedHealthCheck}. */
export interface TimedHealthCheck {
  /** The check's report, a failed report on timeout or error, or the report given to `finish`. */
  report: Promise<HealthReport>;
  /** Settles when the provider's own promise settles (later than `report` if it ignored the abort). */
  settled: Promise<void>;
  /** Aborts the check's signal. */
  controller: AbortController;
  /** Ends the check now with this report (no effect once ended); clears the timeout timer. */
  finish(report: HealthReport): void;
}

/**
 * Runs `check(signal)` with a timeout on `clock`: at `timeoutMs` the signal is aborted and the
 * report is `{ healthy: false, message: 'timed out after N ms' }`, whether or not the provider
 * honours the abort. A thrown error becomes an unhealthy report with key-like strings redacted.
 */
export function startTimedHealthCheck(
  clock: Clock,
  providerId: string,
  timeoutMs: number,
  check: (signal: AbortSignal) => Promise<HealthReport>,
): TimedHealthCheck {
  const controller = new AbortController();
  const startedAt = clock.now();
  let settle: (report: HealthReport) => void = () => {};
  const report = new Promise<HealthReport>((resolve) => {
    settle = resolve;
  });
  let done = false;
  const finish = (r: HealthReport): void => {
    if (done) return;
    done = true;
    clock.clearTimeout(timer);
    settle(r);
  };
  const timer = clock.setTimeout(() => {
    controller.abort(
      new ReelayError(
        'REELAY_ERR_PROVIDER',
        `Health check of ${providerId} timed out after ${timeoutMs} ms.`,
        {
          provider: providerId,
          category: 'timeout',
        },
      ),
    );
    finish({ healthy: false, latencyMs: timeoutMs, message: `timed out after ${timeoutMs} ms` });
  }, timeoutMs);
  const settled = Promise.resolve()
    .then(() => check(controller.signal))
    .then(
      (r) => finish(r),
      (error: unknown) =>
        finish({
          healthy: false,
          latencyMs: clock.now() - startedAt,
          message: redactKeyLike(errorMessage(error)),
        }),
    );
  return { report, settled, controller, finish };
}
