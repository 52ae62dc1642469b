import type { ErrorCategory } from './error-category.js';

const MARKER = Symbol.for('reelay.error');

/**
 * The stable error codes of Reelay. Every code has an HTTP status for when the error reaches the
 * API. Codes never change meaning once released.
 */
export const ERROR_CODES = {
  REELAY_ERR_VALIDATION: 400,
  REELAY_ERR_CONFIG: 500,
  REELAY_ERR_PROFILE_INVALID: 500,
  REELAY_ERR_NOT_FOUND: 404,
  REELAY_ERR_CONFLICT: 409,
  REELAY_ERR_NOT_READY: 409,
  REELAY_ERR_UNAUTHORIZED: 401,
  REELAY_ERR_FORBIDDEN: 403,
  REELAY_ERR_GONE: 410,
  REELAY_ERR_RATE_LIMITED: 429,
  REELAY_ERR_LOCK_EXISTS: 409,
  REELAY_ERR_LOCK_MISMATCH: 409,
  REELAY_ERR_NO_LOCK: 409,
  REELAY_ERR_PROVIDER: 502,
  REELAY_ERR_PROVIDER_UNKNOWN: 400,
  REELAY_ERR_STALLED: 504,
  REELAY_ERR_CIRCUIT_OPEN: 503,
  REELAY_ERR_PROVIDER_OVERLOAD: 503,
  REELAY_ERR_BUDGET_EXCEEDED: 402,
  REELAY_ERR_NO_ALTERNATIVE: 503,
  REELAY_ERR_CANCELED: 499,
  REELAY_ERR_STAGE_FAILED: 502,
  REELAY_ERR_PREFLIGHT: 503,
  REELAY_ERR_INTERNAL: 500,
} as const;

/** One of the stable codes in {@link ERROR_CODES}. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Options for {@link ReelayError}. */
export interface ReelayErrorOptions {
  /** The underlying error. */
  cause?: unknown;
  /** Error category, set where the fact is known. */
  category?: ErrorCategory;
  /** Whether retrying the same call may succeed. @default false */
  retryable?: boolean;
  /** Provider that failed, when a provider failed. */
  provider?: string;
  /** Pipeline stage, when a stage failed. */
  stage?: string;
  /** Correlation id of the request or job. */
  correlationId?: string;
  /** HTTP status override; defaults to the code's status. */
  status?: number;
  /** Milliseconds the provider asked us to wait (Retry-After), when it said so. */
  retryAfterMs?: number;
  /** Extra structured facts, safe to show to users (never secrets). */
  details?: Record<string, unknown>;
}

/**
 * The one base error of Reelay: a stable `code`, an HTTP `status`, and — for provider failures —
 * the `category` and `retryable` flag decided where the fact was known.
 *
 * @example
 * throw new ReelayError('REELAY_ERR_PROVIDER', 'OpenAI rejected the API key', {
 *   provider: 'OpenAI', category: 'authentication', retryable: false,
 * });
 */
export class ReelayError extends Error {
  readonly [MARKER] = true;
  readonly code: ErrorCode;
  readonly status: number;
  readonly category: ErrorCategory | undefined;
  readonly retryable: boolean;
  readonly provider: string | undefined;
  readonly stage: string | undefined;
  readonly correlationId: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: ReelayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ReelayError';
    this.code = code;
    this.status = options.status ?? ERROR_CODES[code];
    this.category = options.category;
    this.retryable = options.retryable ?? false;
    this.provider = options.provider;
    this.stage = options.stage;
    this.correlationId = options.correlationId;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details ?? {};
  }

  /** True for any ReelayError, even one from another copy of this package. */
  static isInstance(value: unknown): value is ReelayError {
    return typeof value === 'object' && value !== null && MARKER in value;
  }

  /** Plain, serialisable form (for events, audit records and problem details). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      status: this.status,
      category: this.category,
      retryable: this.retryable,
      provider: this.provider,
      stage: this.stage,
      correlationId: this.correlationId,
      retryAfterMs: this.retryAfterMs,
      details: this.details,
    };
  }
}

/** Returns the message of any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}
