import { ERROR_CATEGORIES, type ErrorCategory } from '../domain/error-category.js';
import { ReelayError } from '../domain/errors.js';
import type { BackoffKind } from './backoff.js';

/** What happens once same-provider retries are used up (or not allowed). */
export type StrategyThen = 'retry_same' | 'switch' | 'degrade' | 'fail';

/** How one error category is recovered from. */
export interface RecoveryStrategy {
  /** Retries of the same provider after the first attempt (0 = none). */
  maxRetries: number;
  backoff: BackoffKind;
  /** Base delay of the backoff, ms. */
  baseMs: number;
  /** Cap on the backoff delay, ms. */
  maxMs: number;
  /**
   * What to do when retries are exhausted: `switch` to another provider, `degrade` quality,
   * `fail`; `retry_same` means retrying was the whole remedy — once exhausted the call moves on
   * like `switch`.
   */
  then: StrategyThen;
  /** Whether this failure is evidence of an outage (counts against the circuit breaker). */
  countsForBreaker: boolean;
}

/** A complete strategy table: one strategy per category. */
export type RecoveryStrategies = Readonly<Record<ErrorCategory, Readonly<RecoveryStrategy>>>;

/** Partial overrides of a strategy table, e.g. from configuration. */
export type StrategyOverrides = Partial<Record<ErrorCategory, Partial<RecoveryStrategy>>>;

const s = (
  maxRetries: number,
  backoff: BackoffKind,
  baseMs: number,
  maxMs: number,
  then: StrategyThen,
  countsForBreaker: boolean,
): Readonly<RecoveryStrategy> =>
  Object.freeze({ maxRetries, backoff, baseMs, maxMs, then, countsForBreaker });

/**
 * The default strategies (docs/error-recovery.md#strategies), plus network_error, quota_exceeded and
 * processing_error. Authentication gets 0 retries: the same credentials are not retried.
 */
export const DEFAULT_RECOVERY_STRATEGIES: RecoveryStrategies = Object.freeze({
  transient: s(3, 'exponential', 1000, 30_000, 'retry_same', false),
  rate_limit: s(2, 'linear', 60_000, 300_000, 'switch', true),
  api_failure: s(2, 'exponential', 2000, 20_000, 'switch', true),
  quality_failure: s(2, 'fixed', 5000, 15_000, 'switch', false),
  timeout: s(1, 'fixed', 3000, 10_000, 'switch', true),
  authentication: s(0, 'fixed', 1000, 5000, 'switch', true),
  provider_overload: s(0, 'fixed', 0, 0, 'switch', true),
  system_error: s(1, 'exponential', 5000, 30_000, 'degrade', false),
  network_error: s(3, 'exponential', 1000, 15_000, 'switch', true),
  quota_exceeded: s(0, 'fixed', 0, 0, 'switch', true),
  processing_error: s(1, 'fixed', 2000, 2000, 'switch', false),
});

function invalid(category: string, field: string, value: unknown): ReelayError {
  return new ReelayError(
    'REELAY_ERR_CONFIG',
    `Recovery strategy for ${category} has an invalid ${field} (${String(value)}): use a non-negative number.`,
    { details: { category, field } },
  );
}

/**
 * Merges overrides onto a strategy table (default: {@link DEFAULT_RECOVERY_STRATEGIES}) into a
 * new frozen table; neither input is mutated.
 * @throws ReelayError `REELAY_ERR_CONFIG` for negative or non-integer retry counts and negative delays.
 * @example const strategies = resolveStrategies({ rate_limit: { maxRetries: 5 } });
 */
export function resolveStrategies(
  overrides: StrategyOverrides = {},
  base: RecoveryStrategies = DEFAULT_RECOVERY_STRATEGIES,
): RecoveryStrategies {
  const out = {} as Record<ErrorCategory, Readonly<RecoveryStrategy>>;
  for (const category of ERROR_CATEGORIES) {
    const merged = { ...base[category], ...overrides[category] };
    if (!Number.isInteger(merged.maxRetries) || merged.maxRetries < 0) {
      throw invalid(category, 'maxRetries', merged.maxRetries);
    }
    if (!(merged.baseMs >= 0)) throw invalid(category, 'baseMs', merged.baseMs);
    if (!(merged.maxMs >= 0)) throw invalid(category, 'maxMs', merged.maxMs);
    out[category] = Object.freeze(merged);
  }
  return Object.freeze(out);
}

/** `countsForBreaker` of the default table, as a function (the breaker's default). */
export function defaultCountsForBreaker(category: ErrorCategory): boolean {
  return DEFAULT_RECOVERY_STRATEGIES[category].countsForBreaker;
}
