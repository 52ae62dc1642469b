import { systemClock } from '../../domain/clock.js';
import type { ReelayError } from '../../domain/errors.js';
import { silentLogger } from '../../domain/logger.js';
import { classifyHttpResponse } from '../../resilience/classify-http.js';
import { fetchOf, type HttpContext, type HttpRequest } from './http-context.js';
import { safeUrl, scrubError, toProviderError } from './provider-error.js';

/** Longest error body read from a failed response (the rest is discarded). */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * Splits credentials out of a URL (`http://user:pw@host`): `fetch` refuses such URLs (and quotes
 * them in its error), so they travel as a Basic `Authorization` header instead, unless the request
 * already has one.
 */
export function splitUrlCredentials(url: string): { url: string; authorization?: string } {
  if (!url.includes('@')) return { url };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url };
  }
  if (parsed.username === '' && parsed.password === '') return { url };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return {
    url: parsed.href,
    authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
  };
}

function buildInit(req: HttpRequest, authorization?: string): RequestInit {
  const headers: Record<string, string> = { ...req.headers };
  const hasAuth = Object.keys(headers).some((h) => h.toLowerCase() === 'authorization');
  if (authorization && !hasAuth) headers.authorization = authorization;
  let body: string | Uint8Array<ArrayBuffer> | undefined = req.body;
  if (req.json !== undefined) {
    body = JSON.stringify(req.json);
    headers['content-type'] ??= 'application/json';
  }
  const method = req.method ?? (body === undefined ? 'GET' : 'POST');
  return { method, headers, body, signal: req.signal };
}

/** Reads at most {@link MAX_ERROR_BODY_BYTES} of a failed response as text. */
async function readErrorBody(response: Response): Promise<string> {
  if (!response.body) return '';
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  const reader = response.body.getReader();
  try {
    while (bytes < MAX_ERROR_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // A body cut short still tells the status; classify with what arrived.
  } finally {
    reader.cancel().catch(() => {});
  }
  return text + decoder.decode();
}

/**
 * Sends one request and returns the response when its status is 2xx. A non-2xx response becomes
 * the shared classifier's {@link ReelayError} (category, `retryable`, `retryAfterMs`, message);
 * a network failure or abort becomes `classifyError`'s. Secrets never reach the error or the log.
 *
 * @example
 * const res = await sendRequest({ provider: 'OpenAI', secrets: [key] }, {
 *   url: 'https://api.openai.com/v1/models', headers: { authorization: `Bearer ${key}` }, signal,
 * });
 */
export async function sendRequest(ctx: HttpContext, req: HttpRequest): Promise<Response> {
  const logger = ctx.logger ?? silentLogger;
  const target = splitUrlCredentials(req.url);
  const init = buildInit(req, target.authorization);
  const url = safeUrl(target.url);
  logger.debug({ tag: 'PROVIDER_HTTP_REQUEST', providerName: ctx.provider, method: init.method, url });
  let response: Response;
  try {
    response = await fetchOf(ctx)(target.url, init);
  } catch (error) {
    throw logFailure(ctx, toProviderError(ctx, error, target.url), url);
  }
  if (response.ok) return response;
  const bodyText = await readErrorBody(response);
  const classified = classifyHttpResponse({
    provider: ctx.provider,
    status: response.status,
    headers: response.headers,
    bodyText,
    now: (ctx.clock ?? systemClock).now(),
    keyEnvVar: ctx.keyEnvVar,
    maxRetryAfterMs: ctx.maxRetryAfterMs,
  });
  throw logFailure(ctx, scrubError(ctx, classified), url);
}

function logFailure(ctx: HttpContext, error: ReelayError, url: string): ReelayError {
  (ctx.logger ?? silentLogger).warn(
    {
      tag: 'PROVIDER_HTTP_FAILURE',
      // The provider loggers are children bound to `provider: <id>`; a second `provider` key
      // would repeat it in the JSON line, so the display name has its own key.
      providerName: ctx.provider,
      url,
      category: error.category,
      retryable: error.retryable,
      httpStatus: error.details.httpStatus,
    },
    error.message,
  );
  return error;
}

/**
 * Iterates a response body chunk by chunk; a read failure (connection reset, abort) becomes a
 * classified {@link ReelayError}. Stops promptly when `signal` aborts.
 */
export async function* bodyChunks(
  ctx: HttpContext,
  response: Response,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array> {
  if (!response.body) return;
  const reader = response.body.getReader();
  const onAbort = (): void => {
    reader.cancel(signal.reason).catch(() => {});
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    while (true) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        if (signal.aborted) throw signal.reason;
        result = await reader.read();
        if (signal.aborted) throw signal.reason;
      } catch (error) {
        throw toProviderError(ctx, error, response.url || undefined);
      }
      if (result.done) return;
      yield result.value;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
