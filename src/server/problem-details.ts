import { STATUS_CODES } from 'node:http';
import { type ErrorCode, ReelayError } from '../domain/errors.js';
import { redactKeyLike } from '../domain/redact.js';
import type { ProblemDetails, ProblemField } from './api-types.js';

// Kept hand-written: RFC 9457 needs only a small object, and what matters here is Reelay's own
// mapping (stable REELAY_ERR_* codes to statuses and type URIs, correlation ids, field lists,
// secret redaction) that no problem-details package knows about.

/** Base of every problem `type` URI. */
export const PROBLEM_TYPE_BASE = 'https://reelay.dev/problems/';

/** The media type of problem details (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** `REELAY_ERR_NOT_FOUND` → `https://reelay.dev/problems/not-found`. */
export function problemType(code: string): string {
  return (
    PROBLEM_TYPE_BASE +
    code
      .replace(/^REELAY_ERR_/, '')
      .toLowerCase()
      .replace(/_/g, '-')
  );
}

/** The request facts every problem carries. */
export interface ProblemContext {
  /** Request URL (the problem's `instance`). */
  url: string;
  correlationId: string;
  /** ISO-8601 time. */
  timestamp: string;
}

function fieldsOf(details: Record<string, unknown>): ProblemField[] | undefined {
  const fields = details.fields;
  if (!Array.isArray(fields)) return undefined;
  const out: ProblemField[] = [];
  for (const f of fields) {
    if (typeof f === 'object' && f !== null && 'field' in f && 'message' in f) {
      out.push({ field: String(f.field), message: String(f.message) });
    }
  }
  return out;
}

/**
 * The problem details of a {@link ReelayError}: its code, its status, its (user-facing) message
 * as `detail` with key-shaped strings redacted, and its field list when it has one.
 */
export function problemFromError(error: ReelayError, ctx: ProblemContext): ProblemDetails {
  const problem: ProblemDetails = {
    type: problemType(error.code),
    title: STATUS_CODES[error.status] ?? 'Error',
    status: error.status,
    detail: redactKeyLike(error.message),
    instance: ctx.url,
    code: error.code,
    correlationId: ctx.correlationId,
    timestamp: ctx.timestamp,
  };
  const fields = fieldsOf(error.details);
  if (fields) problem.errors = fields;
  return problem;
}

/** Shorthand for a {@link ReelayError} with an HTTP status other than its code's default. */
export function httpError(
  code: ErrorCode,
  status: number,
  message: string,
  details?: Record<string, unknown>,
): ReelayError {
  return new ReelayError(code, message, { status, ...(details ? { details } : {}) });
}

interface FastifyLikeError {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
}

/**
 * Maps Fastify's own errors (bad JSON, body too large, unsupported media type, bad URL, …) to a
 * {@link ReelayError} with a user-facing message; null for anything that is not a 4xx Fastify
 * error (those become a generic 500).
 */
export function fromFastifyError(error: unknown, bodyLimitBytes: number): ReelayError | null {
  if (typeof error !== 'object' || error === null) return null;
  const { code, statusCode, message } = error as FastifyLikeError;
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode > 499) return null;
  const text = typeof message === 'string' ? message : '';
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return httpError(
        'REELAY_ERR_VALIDATION',
        413,
        `The request body is larger than the ${bodyLimitBytes}-byte limit; send a smaller body.`,
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return httpError(
        'REELAY_ERR_VALIDATION',
        415,
        'The request Content-Type is not supported; send the body as application/json.',
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return httpError(
        'REELAY_ERR_VALIDATION',
        400,
        'The body is empty but Content-Type is application/json; send a JSON object or no Content-Type.',
      );
    default:
      break;
  }
  if (text.length > 0 && (error instanceof SyntaxError || /JSON/i.test(text))) {
    return httpError(
      'REELAY_ERR_VALIDATION',
      400,
      `The request body is not valid JSON (${text.slice(0, 200)}).`,
    );
  }
  if (statusCode === 404) return httpError('REELAY_ERR_NOT_FOUND', 404, 'No such resource.');
  return httpError('REELAY_ERR_VALIDATION', statusCode, `The request was rejected: ${text.slice(0, 200)}`);
}
