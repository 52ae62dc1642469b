import type { ErrorCategory } from '../domain/error-category.js';

/** What a provider's own error code tells us, decided once here. */
export interface ProviderCodeRule {
  category: ErrorCategory;
  /** Whether the same call against the same provider (and model) may succeed on retry. */
  retryable: boolean;
  /** What the user should do about it (ends the user-facing message). */
  advice: string;
}

/**
 * Error codes that providers put in their bodies (OpenAI `error.code` / `error.type`, Anthropic
 * `error.type`, ElevenLabs `detail.status`, HeyGen `error.code`), mapped to a category.
 * `context_length_exceeded` is a processing_error, not a quality_failure: the request cannot be
 * processed by this model at all, whereas quality_failure is for output (or a refusal) judged
 * unfit. Neither counts against the circuit breaker, and neither is retried on the same model.
 */
export const PROVIDER_ERROR_CODES: Readonly<Record<string, ProviderCodeRule>> = Object.freeze({
  insufficient_quota: {
    category: 'quota_exceeded',
    retryable: false,
    advice: 'add credit or raise the usage limit, or choose another provider',
  },
  quota_exceeded: {
    category: 'quota_exceeded',
    retryable: false,
    advice: 'add credit or raise the usage limit, or choose another provider',
  },
  billing_hard_limit_reached: {
    category: 'quota_exceeded',
    retryable: false,
    advice: 'raise the billing limit, or choose another provider',
  },
  context_length_exceeded: {
    category: 'processing_error',
    retryable: false,
    advice: "the input is longer than the model's context window: shorten the brief or choose a larger model",
  },
  content_policy_violation: {
    category: 'quality_failure',
    retryable: false,
    advice:
      'the provider refused the content under its policy: rephrase the brief or choose another provider',
  },
  model_not_found: {
    category: 'api_failure',
    retryable: false,
    advice: 'check the model name in the configuration',
  },
  voice_not_found: {
    category: 'api_failure',
    retryable: false,
    advice: 'check the voice id in the request or configuration',
  },
  not_found_error: {
    category: 'api_failure',
    retryable: false,
    advice: 'check the model name and endpoint in the configuration',
  },
  invalid_request_error: {
    category: 'processing_error',
    retryable: false,
    advice: 'check the request options; this may be a Reelay bug worth reporting',
  },
  request_too_large: {
    category: 'processing_error',
    retryable: false,
    advice: 'shorten the input',
  },
  invalid_api_key: {
    category: 'authentication',
    retryable: false,
    advice: 'check the API key',
  },
  authentication_error: {
    category: 'authentication',
    retryable: false,
    advice: 'check the API key',
  },
  permission_error: {
    category: 'authentication',
    retryable: false,
    advice: 'check that the API key has access to this model or feature',
  },
  rate_limit_exceeded: {
    category: 'rate_limit',
    retryable: true,
    advice: 'wait and retry, or lower the request rate',
  },
  rate_limit_error: {
    category: 'rate_limit',
    retryable: true,
    advice: 'wait and retry, or lower the request rate',
  },
  too_many_concurrent_requests: {
    category: 'rate_limit',
    retryable: true,
    advice: 'wait and retry, or lower the number of parallel requests',
  },
  overloaded_error: {
    category: 'provider_overload',
    retryable: true,
    advice: 'retry later or choose another provider',
  },
  system_busy: {
    category: 'provider_overload',
    retryable: true,
    advice: 'retry later or choose another provider',
  },
});

/** Codes that mean "the account has no quota left", whatever the HTTP status said. */
export const QUOTA_CODES: ReadonlySet<string> = new Set(
  Object.entries(PROVIDER_ERROR_CODES)
    .filter(([, rule]) => rule.category === 'quota_exceeded')
    .map(([code]) => code),
);

/** The rule for a provider code, or `undefined` when the code is unknown or absent. */
export function ruleForProviderCode(code: string | undefined): ProviderCodeRule | undefined {
  if (code === undefined) return undefined;
  return Object.hasOwn(PROVIDER_ERROR_CODES, code) ? PROVIDER_ERROR_CODES[code] : undefined;
}
