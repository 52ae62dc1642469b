/**
 * The eleven error categories of the intelligent-fallback router. A category is decided once,
 * where the fact is known (HTTP status, provider error code, errno), and travels with the error.
 */
export const ERROR_CATEGORIES = [
  'transient',
  'rate_limit',
  'api_failure',
  'quality_failure',
  'timeout',
  'authentication',
  'provider_overload',
  'system_error',
  'network_error',
  'quota_exceeded',
  'processing_error',
] as const;

/** One of {@link ERROR_CATEGORIES}. */
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

/** Type guard for {@link ErrorCategory}. */
export function isErrorCategory(value: unknown): value is ErrorCategory {
  return typeof value === 'string' && (ERROR_CATEGORIES as readonly string[]).includes(value);
}
