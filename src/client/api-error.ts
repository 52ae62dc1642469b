import type { ProblemDetails, ProblemField } from '../server/api-types.js';

const MARKER = Symbol.for('reelay.api-error');

/** Codes the client itself raises (no HTTP response was received). */
export type ClientErrorCode = 'REELAY_ERR_NETWORK' | 'REELAY_ERR_TIMEOUT' | 'REELAY_ERR_CIRCUIT_OPEN';

/** Options of {@link ReelayApiError}. */
export interface ReelayApiErrorOptions {
  /** HTTP status; 0 when no response arrived (network, timeout, client breaker). */
  status: number;
  /** `REELAY_ERR_…` code from the problem details, or a {@link ClientErrorCode}. */
  code: string;
  detail: string;
  title?: string;
  type?: string;
  instance?: string;
  correlationId?: string;
  fields?: ProblemField[];
  /** From `Retry-After`, in ms. */
  retryAfterMs?: number;
  /** The problem body as received, when there was one. */
  problem?: ProblemDetails;
  cause?: unknown;
}

/**
 * An error of the Reelay HTTP API as the client sees it: built from the server's RFC 9457
 * problem details (status, code, detail, correlation id, invalid fields), or raised by the client
 * itself for a network failure, a timeout or its open circuit breaker (status 0).
 *
 * @example
 * try { await client.generateVideo({ brief: 'x' }); }
 * catch (e) { if (ReelayApiError.isInstance(e)) console.log(e.code, e.fields); }
 */
export class ReelayApiError extends Error {
  readonly [MARKER] = true;
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly title: string;
  readonly type: string | undefined;
  readonly instance: string | undefined;
  readonly correlationId: string | undefined;
  readonly fields: ProblemField[];
  readonly retryAfterMs: number | undefined;
  readonly problem: ProblemDetails | undefined;

  constructor(options: ReelayApiErrorOptions) {
    super(options.detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ReelayApiError';
    this.status = options.status;
    this.code = options.code;
    this.detail = options.detail;
    this.title = options.title ?? options.code;
    this.type = options.type;
    this.instance = options.instance;
    this.correlationId = options.correlationId;
    this.fields = options.fields ?? [];
    this.retryAfterMs = options.retryAfterMs;
    this.problem = options.problem;
  }

  /** True for network failures, timeouts, 5xx and 429: trying again later may succeed. */
  get retryable(): boolean {
    return this.status === 0
      ? this.code !== 'REELAY_ERR_CIRCUIT_OPEN'
      : this.status >= 500 || this.status === 429;
  }

  /** True for any ReelayApiError, even from another copy of the SDK. */
  static isInstance(value: unknown): value is ReelayApiError {
    return typeof value === 'object' && value !== null && MARKER in value;
  }
}

/** Parses `Retry-After` (seconds or an HTTP date) into ms from `now`. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function isProblem(value: unknown): value is ProblemDetails {
  return typeof value === 'object' && value !== null && 'status' in value && 'code' in value;
}

/** Builds a {@link ReelayApiError} from a non-2xx response (problem details when the body is one). */
export function apiErrorFromResponse(response: Response, bodyText: string, now: number): ReelayApiError {
  let parsed: unknown;
  try {
    parsed = bodyText ? JSON.parse(bodyText) : undefined;
  } catch {
    parsed = undefined;
  }
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now);
  const correlationId = response.headers.get('x-correlation-id') ?? undefined;
  if (isProblem(parsed)) {
    return new ReelayApiError({
      status: response.status,
      code: String(parsed.code),
      detail: String(parsed.detail ?? parsed.title ?? `HTTP ${response.status}`),
      title: parsed.title,
      type: parsed.type,
      instance: parsed.instance,
      correlationId: parsed.correlationId ?? correlationId,
      fields: Array.isArray(parsed.errors) ? parsed.errors : [],
      problem: parsed,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  return new ReelayApiError({
    status: response.status,
    code: response.status >= 500 ? 'REELAY_ERR_INTERNAL' : 'REELAY_ERR_HTTP',
    detail: `The server answered HTTP ${response.status} ${response.statusText}`.trim(),
    ...(correlationId ? { correlationId } : {}),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}
