import { MalformedResponseError } from '../../resilience/output-errors.js';
import type { HttpContext, HttpRequest } from './http-context.js';
import { toProviderError } from './provider-error.js';
import { bodyChunks, sendRequest } from './send-request.js';

/** A JSON response: the parsed body and the response headers. */
export interface JsonResponse<T> {
  body: T;
  status: number;
  headers: Headers;
}

/**
 * Sends a request and parses the JSON response. Non-2xx, network failures and aborts become
 * classified errors (see {@link sendRequest}); a body that is not JSON, or that `parse` rejects
 * (throw a `MalformedResponseError` there), becomes a `processing_error`.
 *
 * @example
 * const { body } = await requestJson(ctx, { url: `${base}/api/tags`, signal }, (v) => v as Tags);
 */
export async function requestJson<T = unknown>(
  ctx: HttpContext,
  req: HttpRequest,
  parse: (value: unknown) => T = (value) => value as T,
): Promise<JsonResponse<T>> {
  const response = await sendRequest(ctx, {
    ...req,
    headers: { accept: 'application/json', ...req.headers },
  });
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of bodyChunks(ctx, response, req.signal))
    text += decoder.decode(chunk, { stream: true });
  text += decoder.decode();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw toProviderError(
      ctx,
      new MalformedResponseError(`expected JSON from ${new URL(req.url).pathname}, got ${describe(text)}`, {
        cause: error,
      }),
    );
  }
  try {
    return { body: parse(value), status: response.status, headers: response.headers };
  } catch (error) {
    throw toProviderError(ctx, error);
  }
}

function describe(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return 'an empty body';
  return `${trimmed.length} characters starting "${trimmed.slice(0, 40).replace(/\s+/g, ' ')}"`;
}
