import { ReelayError } from '../domain/errors.js';

/** Which of Reelay's own limits refused a call (kept in the error's `details.refusedBy`). */
export type LimitRefusalSource = 'rate-limit' | 'bulkhead';

/**
 * A call refused by the rate limiter: waiting for the provider's limit would take longer than
 * `maxWaitMs`. Category `rate_limit`, not retryable on the same provider (waiting is what was
 * just refused), so the job's fallback policy decides: route away under `auto`, ask under `ask`.
 */
export function rateLimitWaitError(provider: string, waitMs: number, maxWaitMs: number): ReelayError {
  return new ReelayError(
    'REELAY_ERR_RATE_LIMITED',
    `${provider}'s rate limit would make this call wait ${Math.ceil(waitMs / 1000)} s, longer than the ${Math.ceil(maxWaitMs / 1000)} s allowed (rateLimit.maxWaitMs): use another provider or raise the limit.`,
    {
      provider,
      category: 'rate_limit',
      retryable: false,
      retryAfterMs: Math.ceil(waitMs),
      details: { refusedBy: 'rate-limit', waitMs: Math.ceil(waitMs), maxWaitMs },
    },
  );
}

/** Why the bulkhead refused a call. */
export type OverloadReason = 'queue_full' | 'queue_timeout';

/**
 * A call refused by a provider's bulkhead: its queue was full, or the call waited in it longer
 * than the queue time limit. Category `provider_overload`, not retryable on the same provider.
 */
export function providerOverloadError(
  provider: string,
  reason: OverloadReason,
  limits: { maxConcurrent: number; maxQueue: number; queueTimeoutMs: number },
): ReelayError {
  const why =
    reason === 'queue_full'
      ? `all ${limits.maxConcurrent} call slots are busy and its queue of ${limits.maxQueue} is full`
      : `the call waited ${Math.ceil(limits.queueTimeoutMs / 1000)} s in its queue without a free slot`;
  return new ReelayError(
    'REELAY_ERR_PROVIDER_OVERLOAD',
    `${provider} is overloaded: ${why}. Use another provider, or raise bulkhead.maxConcurrent / maxQueue / queueTimeoutMs.`,
    {
      provider,
      category: 'provider_overload',
      retryable: false,
      details: { refusedBy: 'bulkhead', reason, ...limits },
    },
  );
}

/**
 * Whether `error` is a refusal by Reelay's own limits rather than a provider failure: such a
 * call never reached the provider, so it must not count against its circuit breaker nor its
 * measured performance.
 */
export function isLimitRefusal(error: unknown): boolean {
  if (!ReelayError.isInstance(error)) return false;
  const by = error.details.refusedBy;
  return by === 'rate-limit' || by === 'bulkhead';
}
