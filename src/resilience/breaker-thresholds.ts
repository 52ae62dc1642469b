import { ReelayError } from '../domain/errors.js';
import { type BreakerThresholds, DEFAULT_BREAKER_THRESHOLDS } from './circuit-breaker-state.js';

/**
 * The thresholds a breaker runs with: the defaults overridden by every `given` value that is
 * defined, each checked (counts are whole numbers ≥ 1, durations non-negative ms) and frozen.
 * @throws ReelayError `REELAY_ERR_CONFIG` naming the provider and the invalid field.
 */
export function resolveBreakerThresholds(
  provider: string,
  given: Partial<BreakerThresholds>,
): Readonly<BreakerThresholds> {
  return validThresholds(provider, { ...DEFAULT_BREAKER_THRESHOLDS, ...definedOnly(given) });
}

function validThresholds(provider: string, t: BreakerThresholds): Readonly<BreakerThresholds> {
  for (const [name, value] of Object.entries(t)) {
    const countLike =
      name === 'failureThreshold' || name === 'halfOpenMaxCalls' || name === 'successThreshold';
    const ok = countLike ? Number.isInteger(value) && value >= 1 : Number.isFinite(value) && value >= 0;
    if (!ok) {
      throw new ReelayError(
        'REELAY_ERR_CONFIG',
        `Circuit breaker for ${provider} has an invalid ${name} (${String(value)}): use ${countLike ? 'a whole number of at least 1' : 'a non-negative number of ms'}.`,
        { provider, details: { field: name } },
      );
    }
  }
  return Object.freeze(t);
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}
