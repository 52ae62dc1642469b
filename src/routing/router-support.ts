import type { ErrorCategory } from '../domain/error-category.js';
import { ReelayError } from '../domain/errors.js';
import type { AlternativeOption, AttemptRecord } from '../domain/events.js';
import type { Usage } from '../domain/provider.js';
import { RecoveryExhaustedError } from '../resilience/recovery-exhausted-error.js';
import { BudgetExceededError, type BudgetGuard } from './budget.js';
import { stageFailedError } from './stage-failure.js';

/** True for a cancellation (`REELAY_ERR_CANCELED`). */
export function isCanceled(error: unknown): boolean {
  return ReelayError.isInstance(error) && error.code === 'REELAY_ERR_CANCELED';
}

/**
 * True when the breaker refused the call, directly or as the last error of exhausted retries.
 * Checked by code: `CircuitOpenError` inherits `ReelayError.isInstance`, true for any ReelayError.
 */
export function isCircuitOpen(error: unknown): boolean {
  const open = (e: unknown): boolean => ReelayError.isInstance(e) && e.code === 'REELAY_ERR_CIRCUIT_OPEN';
  return open(error) || (RecoveryExhaustedError.isInstance(error) && open(error.lastError));
}

/** The error category, when the error carries one. */
export function categoryOf(error: unknown): ErrorCategory | undefined {
  return ReelayError.isInstance(error) ? error.category : undefined;
}

/** Whether retrying the same provider might help, as known where the error was classified. */
export function retryableOf(error: unknown): boolean {
  if (RecoveryExhaustedError.isInstance(error)) return error.lastError.retryable;
  return ReelayError.isInstance(error) ? error.retryable : true;
}

/** The `usage` a provider result reports, if any. */
export function usageOf(value: unknown): Usage | undefined {
  if (typeof value === 'object' && value !== null && 'usage' in value) {
    const usage = (value as { usage: unknown }).usage;
    if (typeof usage === 'object' && usage !== null) return usage as Usage;
  }
  return undefined;
}

/** A degradation offered in an `ask` decision, after the ranked alternatives. */
export function degradationOption(id: string): AlternativeOption {
  return { provider: id, score: 0, reasons: ['degradation: lower quality, always available'] };
}

/** The error of a stage the user canceled at a decision. */
export function canceledAtDecision(
  stage: string,
  provider: string,
  attempts: AttemptRecord[],
  correlationId: string,
  cause: unknown,
): ReelayError {
  return stageFailedError({
    stage,
    provider,
    category: categoryOf(cause),
    policy: 'ask',
    attempts,
    alternatives: [],
    why: 'canceled-by-user',
    correlationId,
    cause,
  });
}

/** A provider already over one of its budgets is refused before it is called (a quota failure). */
export function budgetRefusal(
  budget: BudgetGuard | undefined,
  jobId: string,
  provider: string,
  correlationId: string,
): ReelayError | undefined {
  const check = budget?.checkBudget({ jobId, provider, estimatedUsd: 0 });
  if (!check || check.ok) return undefined;
  return new ReelayError('REELAY_ERR_BUDGET_EXCEEDED', check.reason, {
    cause: new BudgetExceededError(check),
    category: 'quota_exceeded',
    retryable: false,
    provider,
    correlationId,
    details: { budget: check.budget, spentUsd: check.spentUsd, limitUsd: check.limitUsd },
  });
}

/** Resolves with the promise, or rejects with the signal's reason when it aborts first. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
