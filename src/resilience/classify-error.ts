import type { ErrorCategory } from '../domain/error-category.js';
import { type ErrorCode, ReelayError } from '../domain/errors.js';
import { MalformedResponseError, OutputValidationError } from './output-errors.js';
import { shortProviderText } from './parse-error-body.js';

/** Options of {@link classifyError}. */
export interface ClassifyErrorOptions {
  /** Provider the failed call went to. */
  provider: string;
  /** Where the provider was called (base URL), named when it is not reachable. */
  url?: string;
}

/** Node and undici error codes that mean the network, not the provider's logic, failed. */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const CODE_CATEGORY: Partial<Record<ErrorCode, ErrorCategory>> = {
  REELAY_ERR_STALLED: 'timeout',
  REELAY_ERR_CIRCUIT_OPEN: 'provider_overload',
  REELAY_ERR_PROVIDER_OVERLOAD: 'provider_overload',
  REELAY_ERR_RATE_LIMITED: 'rate_limit',
  REELAY_ERR_BUDGET_EXCEEDED: 'quota_exceeded',
};

type ErrnoLike = { code?: unknown; address?: unknown; port?: unknown; hostname?: unknown };

/** The error and its causes, outermost first (bounded, cycle-safe). */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < 6 && !chain.includes(current)) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

function networkCause(chain: unknown[]): { code: string; err: ErrnoLike } | undefined {
  for (const link of chain) {
    if (typeof link !== 'object' || link === null) continue;
    const err = link as ErrnoLike;
    if (typeof err.code === 'string' && NETWORK_ERROR_CODES.has(err.code)) return { code: err.code, err };
    if (link instanceof Error && /socket hang up/i.test(link.message)) return { code: 'ECONNRESET', err };
  }
  const first = chain[0];
  if (first instanceof TypeError && first.message === 'fetch failed' && first.cause !== undefined) {
    return { code: 'FETCH_FAILED', err: {} };
  }
  return undefined;
}

function networkMessage(provider: string, code: string, err: ErrnoLike, url: string | undefined): string {
  const address =
    typeof err.address === 'string'
      ? `${err.address}${typeof err.port === 'number' ? `:${err.port}` : ''}`
      : '';
  const where = url ?? (address || undefined);
  if (code === 'ECONNREFUSED') {
    return `${provider} is not reachable${where ? ` at ${where}` : ''} (connection refused): check that it is running and that the URL is right.`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    const host = typeof err.hostname === 'string' ? ` ${err.hostname}` : '';
    return `${provider}: the host name${host} could not be resolved (${code}): check the URL and the network connection.`;
  }
  return `${provider}: the network connection failed (${code})${where ? ` at ${where}` : ''}: check the network; the call may succeed if retried.`;
}

function withCategory(error: ReelayError, category: ErrorCategory): ReelayError {
  return new ReelayError(error.code, error.message, {
    cause: error,
    category,
    retryable: error.retryable,
    provider: error.provider,
    stage: error.stage,
    correlationId: error.correlationId,
    status: error.status,
    retryAfterMs: error.retryAfterMs,
    details: error.details,
  });
}

function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string'
    ? error.name
    : undefined;
}

/**
 * Classifies anything thrown by a provider call into a {@link ReelayError} with a category.
 * A ReelayError that has a category is returned unchanged (the category was decided where the
 * fact was known); network errno/undici codes → `network_error`; `AbortError`/`TimeoutError` →
 * `timeout`; `SyntaxError` and {@link MalformedResponseError} → `processing_error`;
 * {@link OutputValidationError} → `quality_failure`; anything else → `system_error`.
 *
 * @example const err = classifyError(thrown, { provider: 'Ollama', url: 'http://127.0.0.1:11434' });
 */
export function classifyError(error: unknown, options: ClassifyErrorOptions): ReelayError {
  const { provider } = options;
  if (ReelayError.isInstance(error)) {
    if (error.category !== undefined) return error;
    return withCategory(error, CODE_CATEGORY[error.code] ?? 'system_error');
  }
  const make = (category: ErrorCategory, retryable: boolean, message: string, code?: string): ReelayError =>
    new ReelayError('REELAY_ERR_PROVIDER', message, {
      cause: error,
      category,
      retryable,
      provider,
      details: code === undefined ? {} : { errorCode: code },
    });
  const name = errorName(error);
  if (name === 'TimeoutError' || name === 'AbortError') {
    return make(
      'timeout',
      true,
      `${provider} did not answer in time (${name}): the call may succeed if retried.`,
    );
  }
  const network = networkCause(causeChain(error));
  if (network) {
    return make(
      'network_error',
      true,
      networkMessage(provider, network.code, network.err, options.url),
      network.code,
    );
  }
  const detail = error instanceof Error ? shortProviderText(error.message) : '';
  if (error instanceof MalformedResponseError || error instanceof SyntaxError) {
    return make('processing_error', true, `${provider} sent a response that could not be read: ${detail}`);
  }
  if (error instanceof OutputValidationError) {
    return make('quality_failure', true, `${provider} produced output that failed validation: ${detail}`);
  }
  const text = error instanceof Error ? detail : shortProviderText(String(error));
  return make('system_error', true, `Unexpected error while calling ${provider}: ${text}`);
}
