import type { HttpContext, HttpRequest } from './http-context.js';
import { NdjsonParser } from './ndjson-parser.js';
import { toProviderError } from './provider-error.js';
import { bodyChunks, sendRequest } from './send-request.js';
import { type SseEvent, SseParser } from './sse-parser.js';

/** An open streaming response: headers now, parsed items as they arrive. */
export interface OpenStream<T> {
  status: number;
  headers: Headers;
  /** Parsed items; iterate once. Breaking out of the loop closes the connection. */
  items: AsyncIterable<T>;
}

async function* decodeText(
  ctx: HttpContext,
  response: Response,
  signal: AbortSignal,
): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  for await (const chunk of bodyChunks(ctx, response, signal)) {
    const text = decoder.decode(chunk, { stream: true });
    if (text.length > 0) yield text;
  }
  const rest = decoder.decode();
  if (rest.length > 0) yield rest;
}

/**
 * Reads server-sent events from a response body (see {@link SseParser} for the framing rules).
 * Read failures are classified ReelayErrors.
 */
export async function* readSse(
  ctx: HttpContext,
  response: Response,
  signal: AbortSignal,
): AsyncGenerator<SseEvent> {
  const parser = new SseParser();
  for await (const text of decodeText(ctx, response, signal)) yield* parser.push(text);
}

/**
 * Reads newline-delimited JSON values from a response body. A line that is not JSON becomes a
 * `processing_error`; read failures are classified ReelayErrors.
 */
export async function* readNdjson(
  ctx: HttpContext,
  response: Response,
  signal: AbortSignal,
): AsyncGenerator<unknown> {
  const parser = new NdjsonParser();
  const parse = (fn: () => unknown[]): unknown[] => {
    try {
      return fn();
    } catch (error) {
      throw toProviderError(ctx, error);
    }
  };
  for await (const text of decodeText(ctx, response, signal)) yield* parse(() => parser.push(text));
  yield* parse(() => parser.end());
}

/**
 * Sends a request that answers with `text/event-stream` and returns its events. HTTP errors are
 * thrown here (before any event), classified by the shared classifier.
 *
 * @example
 * const stream = await openSseStream(ctx, { url, json: { stream: true, ...body }, headers, signal });
 * for await (const event of stream.items) if (event.data !== '[DONE]') handle(JSON.parse(event.data));
 */
export async function openSseStream(ctx: HttpContext, req: HttpRequest): Promise<OpenStream<SseEvent>> {
  const response = await sendRequest(ctx, {
    ...req,
    headers: { accept: 'text/event-stream', ...req.headers },
  });
  return { status: response.status, headers: response.headers, items: readSse(ctx, response, req.signal) };
}

/**
 * Sends a request that answers with newline-delimited JSON (Ollama) and returns its values.
 * HTTP errors are thrown here, classified by the shared classifier.
 *
 * @example
 * const stream = await openNdjsonStream(ctx, { url: `${base}/api/chat`, json: body, signal });
 * for await (const line of stream.items) handle(line);
 */
export async function openNdjsonStream(ctx: HttpContext, req: HttpRequest): Promise<OpenStream<unknown>> {
  const response = await sendRequest(ctx, {
    ...req,
    headers: { accept: 'application/x-ndjson', ...req.headers },
  });
  return { status: response.status, headers: response.headers, items: readNdjson(ctx, response, req.signal) };
}
