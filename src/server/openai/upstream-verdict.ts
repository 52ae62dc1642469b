import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorCategory } from '../../domain/error-category.js';
import { classifyHttpResponse } from '../../resilience/classify-http.js';
import { parseErrorBody } from '../../resilience/parse-error-body.js';

/** What to do about one failed upstream answer. */
export type VerdictAction =
  /** Retry the same deployment (after `retryAfterMs` when set), then switch. */
  | 'retry'
  /** Do not retry this deployment; switch when the policy allows. */
  | 'switch'
  /** The prompt is too long for this deployment: only a larger context window helps. */
  | 'context_length'
  /** The deployment refused an assistant prefill: restart without it. */
  | 'prefill_rejected'
  /** The client's request is at fault (or a content refusal): return the upstream answer as it is. */
  | 'return';

/** The classified failure of one upstream attempt. */
export interface UpstreamVerdict {
  action: VerdictAction;
  category: ErrorCategory;
  /** HTTP status of the upstream answer (0 when there was none). */
  status: number;
  /** Provider-requested wait, capped, when it said so. */
  retryAfterMs: number | undefined;
  /** A short, redacted, user-facing message. */
  message: string;
  /** The upstream body (kept for `return`). */
  bodyText: string;
  /**
   * Refused by Reelay's own limit (bulkhead, rate limiter) before reaching the upstream: not a
   * failure of the deployment, so its breaker does not count it.
   */
  ownLimit?: boolean;
}

const CONTENT_POLICY = /content_policy|content_filter|safety|moderation/i;

/**
 * Classifies a non-2xx upstream answer through the router's shared HTTP classifier and error-body
 * parser, then maps it to what the endpoint does next.
 */
export function verdictOf(
  deployment: string,
  status: number,
  headers: IncomingHttpHeaders,
  bodyText: string,
  now: number,
  maxRetryAfterMs: number,
  hadPrefill: boolean,
): UpstreamVerdict {
  const error = classifyHttpResponse({
    provider: deployment,
    status,
    headers,
    bodyText,
    now,
    maxRetryAfterMs: 300_000,
  });
  const { codes } = parseErrorBody(bodyText);
  const category = error.category ?? 'api_failure';
  const base = { category, status, retryAfterMs: error.retryAfterMs, message: error.message, bodyText };
  if (codes.includes('context_length_exceeded')) return { ...base, action: 'context_length' };
  if (codes.some((c) => CONTENT_POLICY.test(c))) return { ...base, action: 'return' };
  if (status === 429) {
    const wait = error.retryAfterMs;
    return { ...base, action: wait !== undefined && wait > maxRetryAfterMs ? 'switch' : 'retry' };
  }
  if (status >= 500 || status === 408 || status === 409) return { ...base, action: 'retry' };
  if (status === 401 || status === 402 || status === 403 || status === 404)
    return { ...base, action: 'switch' };
  if (hadPrefill && status === 400) return { ...base, action: 'prefill_rejected' };
  return { ...base, action: 'return' };
}
