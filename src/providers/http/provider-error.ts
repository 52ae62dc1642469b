import { ReelayError } from '../../domain/errors.js';
import { REDACTED, redactKeyLike, redactSecrets } from '../../domain/redact.js';
import { classifyError } from '../../resilience/classify-error.js';
import type { HttpContext } from './http-context.js';

/** Removes the context's secrets and any key-shaped string from a text. */
export function redactFor(ctx: HttpContext, text: string): string {
  return redactKeyLike(redactSecrets(text, ctx.secrets ?? []));
}

function scrubDetails(ctx: HttpContext, details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    out[key] = typeof value === 'string' ? redactFor(ctx, value) : value;
  }
  return out;
}

/**
 * A copy of `error` with a new user-facing message (and extra details), keeping its code,
 * category, `retryable` and `retryAfterMs`: adapters use it to add provider-specific advice
 * without re-deciding the classification. The original error becomes the `cause`.
 *
 * @example throw rewordError(err, `Ollama is not running at ${baseUrl}: start it with \`ollama serve\`.`);
 */
export function rewordError(
  error: ReelayError,
  message: string,
  details: Record<string, unknown> = {},
): ReelayError {
  return new ReelayError(error.code, message, {
    cause: error,
    ...factsOf(error),
    details: { ...error.details, ...details },
  });
}

/**
 * Turns anything thrown during a request (network failure, abort, unreadable body) into a
 * {@link ReelayError} through the shared classifier, with secrets removed from the message and
 * details. The cause chain is dropped when it may quote a secret, so nothing leaks through it.
 */
export function toProviderError(ctx: HttpContext, error: unknown, url?: string): ReelayError {
  const classified = classifyError(error, {
    provider: ctx.provider,
    url: url === undefined ? url : safeUrl(url),
  });
  return scrubError(ctx, classified);
}

/** A copy of `error` whose message and string details carry no secret of the context. */
export function scrubError(ctx: HttpContext, error: ReelayError): ReelayError {
  const message = redactFor(ctx, error.message);
  const details = scrubDetails(ctx, error.details);
  const leaked = message !== error.message || JSON.stringify(details) !== JSON.stringify(error.details);
  if (!leaked && !causeMentionsSecret(ctx, error.cause)) return error;
  return new ReelayError(error.code, message, { ...factsOf(error), details });
}

function causeMentionsSecret(ctx: HttpContext, cause: unknown): boolean {
  let current = cause;
  for (let depth = 0; depth < 6 && current instanceof Error; depth += 1) {
    if (redactFor(ctx, current.message).includes(REDACTED)) return true;
    current = current.cause;
  }
  return false;
}

/** The URL without query string or credentials, for messages and logs. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** What a copy of `error` keeps: everything but the message, the cause and the details. */
function factsOf(error: ReelayError) {
  return {
    category: error.category,
    retryable: error.retryable,
    provider: error.provider,
    stage: error.stage,
    correlationId: error.correlationId,
    status: error.status,
    retryAfterMs: error.retryAfterMs,
  };
}
