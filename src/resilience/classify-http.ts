import type { ErrorCategory } from '../domain/error-category.js';
import { ReelayError } from '../domain/errors.js';
import { parseErrorBody } from './parse-error-body.js';
import { QUOTA_CODES, ruleForProviderCode } from './provider-error-codes.js';
import { DEFAULT_MAX_RETRY_AFTER_MS, type HeaderSource, parseRetryAfter } from './retry-after.js';

/** Input of {@link classifyHttpResponse}. */
export interface HttpFailure {
  /** Provider display name or id, used in the message (e.g. `OpenAI`). */
  provider: string;
  /** HTTP status of the failed response. */
  status: number;
  headers?: HeaderSource;
  /** Response body as text (may be JSON, plain text, HTML or empty). */
  bodyText?: string;
  /** Current time in ms since the epoch, for HTTP-date `Retry-After` values. */
  now: number;
  /** Environment variable that holds this provider's key, named in authentication messages. */
  keyEnvVar?: string;
  /** Cap on the provider-requested wait. @default 300000 */
  maxRetryAfterMs?: number;
}

interface Verdict {
  category: ErrorCategory;
  retryable: boolean;
  what: string;
  advice: string;
}

function byStatus(status: number, keyHint: string): Verdict {
  if (status === 401 || status === 403) {
    return {
      category: 'authentication',
      retryable: false,
      what: 'rejected the API key',
      advice: `check ${keyHint} and its permissions`,
    };
  }
  if (status === 402) {
    return {
      category: 'quota_exceeded',
      retryable: false,
      what: 'reports the account is out of credit',
      advice: 'add credit or choose another provider',
    };
  }
  if (status === 408 || status === 504) {
    return { category: 'timeout', retryable: true, what: 'timed out', advice: 'retry, or try again later' };
  }
  if (status === 429) {
    return {
      category: 'rate_limit',
      retryable: true,
      what: 'is rate limiting requests',
      advice: 'wait and retry, or lower the request rate',
    };
  }
  if (status === 503 || status === 529) {
    return {
      category: 'provider_overload',
      retryable: true,
      what: 'is overloaded',
      advice: 'retry later or choose another provider',
    };
  }
  if (status >= 500) {
    return {
      category: 'api_failure',
      retryable: true,
      what: 'failed with a server error',
      advice: 'retry later or choose another provider',
    };
  }
  return {
    category: 'processing_error',
    retryable: false,
    what: 'rejected the request',
    advice: 'check the request options; this may be a Reelay bug worth reporting',
  };
}

const GENERIC_CODES: ReadonlySet<string> = new Set(['invalid_request_error', 'not_found_error']);

const HANDLED_BY_STATUS = new Set([401, 402, 403, 408, 429]);

/**
 * Turns a failed HTTP response from any provider into a {@link ReelayError} with its category,
 * `retryable` flag, `retryAfterMs` and a user-facing message (what happened, to which provider,
 * what to do). Quota codes win over the status (OpenAI sends `insufficient_quota` with 429,
 * ElevenLabs `quota_exceeded` with 401); for other 4xx a known provider code decides.
 * `status` stays the code's own (502): the provider's status is in `details.httpStatus`.
 *
 * @example
 * if (!res.ok) throw classifyHttpResponse({
 *   provider: 'OpenAI', status: res.status, headers: res.headers,
 *   bodyText: await res.text(), now: clock.now(), keyEnvVar: 'OPENAI_API_KEY',
 * });
 */
export function classifyHttpResponse(failure: HttpFailure): ReelayError {
  const { provider, status } = failure;
  const body = parseErrorBody(failure.bodyText);
  const keyHint = failure.keyEnvVar ?? 'the configured API key';
  // A generic code (Anthropic's invalid_request_error) yields to a specific one found alongside.
  const ranked = [...body.codes].sort((a, b) => Number(GENERIC_CODES.has(a)) - Number(GENERIC_CODES.has(b)));
  const known = ranked.find((code) => ruleForProviderCode(code) !== undefined);
  const rule = ruleForProviderCode(known);
  const quota = body.codes.find((code) => QUOTA_CODES.has(code));
  let verdict = byStatus(status, keyHint);
  if (quota !== undefined && rule) {
    verdict = { ...rule, what: 'reports the account quota is used up' };
  } else if (rule && status >= 400 && status < 500 && !HANDLED_BY_STATUS.has(status)) {
    verdict = { ...rule, what: 'rejected the request' };
  }
  const providerCode = quota ?? known ?? body.codes[0];
  const retryAfterMs = verdict.retryable
    ? parseRetryAfter(failure.headers, failure.now, failure.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS)
    : undefined;
  const codeText = providerCode === undefined ? '' : `, ${providerCode}`;
  const waitText =
    retryAfterMs === undefined ? '' : ` (it asked to wait ${Math.ceil(retryAfterMs / 1000)} s)`;
  const said = body.message === undefined ? '' : ` Provider said: "${body.message}"`;
  const extra = provider.toLowerCase().includes('ollama') && providerCode === 'model_not_found';
  const advice = extra ? `${verdict.advice}, or pull it with \`ollama pull <model>\`` : verdict.advice;
  const message = `${provider} ${verdict.what} (HTTP ${status}${codeText})${waitText}: ${advice}.${said}`;
  return new ReelayError('REELAY_ERR_PROVIDER', message, {
    category: verdict.category,
    retryable: verdict.retryable,
    provider,
    retryAfterMs,
    details: { httpStatus: status, providerCode, providerMessage: body.message },
  });
}
