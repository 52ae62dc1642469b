import { once } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import { Agent, Client, type Dispatcher } from 'undici';
import type { Clock } from '../../domain/clock.js';

// One keep-alive connection pool per upstream origin (undici: far fewer allocations per request than
// node:http's ClientRequest). Timeouts are the endpoint's own (injected clock), so undici's are off.
const agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, pipelining: 1 });

/** Why an upstream request produced no response. */
export type TransportFailureKind = 'connect' | 'reset' | 'silent' | 'aborted';

/** An upstream request that produced no response (no status line). */
export class TransportFailure extends Error {
  constructor(
    readonly kind: TransportFailureKind,
    message: string,
    readonly errno?: string,
  ) {
    super(message);
    this.name = 'TransportFailure';
  }
}

/** One request to an OpenAI-compatible upstream. */
export interface UpstreamRequest {
  /** `<baseUrl>/chat/completions`, parsed once per deployment. */
  url: URL;
  /** The JSON body, serialised. */
  body: string;
  /** Bearer token, when the deployment has a key. */
  apiKey: string | undefined;
  /** No response headers within this → {@link TransportFailure} `silent`. */
  headersTimeoutMs: number;
  signal: AbortSignal;
  clock: Clock;
}

/** Receives an upstream body's bytes and its end. */
export interface BodySink {
  data(bytes: Buffer): void;
  /** The body arrived whole. */
  end(): void;
  /** The body was cut (reset, closed early, or destroyed). */
  cut(): void;
}

/**
 * An upstream body, fed by the connection from the moment its headers arrive: bytes that come
 * before a consumer attaches (even together with a cut) are kept and replayed to it, never lost.
 */
export class UpstreamBody {
  private buffered: Buffer[] = [];
  private sink: BodySink | undefined;
  private state: 'open' | 'end' | 'cut' = 'open';

  constructor(private readonly controller: Dispatcher.DispatchController) {}

  /** Directs the body to `sink`, replaying what arrived so far. */
  consume(sink: BodySink): void {
    this.sink = sink;
    const early = this.buffered;
    this.buffered = [];
    for (const bytes of early) sink.data(bytes);
    if (this.state === 'end') sink.end();
    else if (this.state === 'cut') sink.cut();
  }

  /** Drops the rest of the body and its connection (reported to the sink as a cut). */
  destroy(): void {
    if (this.state !== 'open') return;
    this.controller.abort(new TransportFailure('aborted', 'the body was dropped'));
    this.finish('cut');
  }

  /** @internal Bytes from the connection. */
  push(bytes: Buffer): void {
    if (this.state !== 'open') return;
    if (this.sink) this.sink.data(bytes);
    else this.buffered.push(bytes);
  }

  /** @internal The body ended or was cut. */
  finish(state: 'end' | 'cut'): void {
    if (this.state !== 'open') return;
    this.state = state;
    if (state === 'end') this.sink?.end();
    else this.sink?.cut();
  }
}

/** An upstream answer whose headers arrived; its body is still to be read (or destroyed). */
export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: UpstreamBody;
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

function failureOf(error: unknown): TransportFailure {
  if (error instanceof TransportFailure) return error;
  const e = error as { code?: string; message?: string; cause?: { code?: string } };
  const code = e.code === 'UND_ERR_CONNECT_TIMEOUT' ? e.code : (e.cause?.code ?? e.code ?? '');
  const kind: TransportFailureKind = RESET_CODES.has(code) ? 'reset' : 'connect';
  return new TransportFailure(
    kind,
    `${kind === 'reset' ? 'connection reset' : 'connection failed'} (${code || e.message || 'unknown'})`,
    code,
  );
}

const PLAIN_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
});
// The request headers per API key, built once (undici only reads them): no object per request.
const keyedHeaders = new Map<string, Readonly<Record<string, string>>>();

function headersFor(apiKey: string | undefined): Readonly<Record<string, string>> {
  if (!apiKey) return PLAIN_HEADERS;
  let headers = keyedHeaders.get(apiKey);
  if (!headers) {
    if (keyedHeaders.size >= 1000) keyedHeaders.clear();
    headers = Object.freeze({ ...PLAIN_HEADERS, authorization: `Bearer ${apiKey}` });
    keyedHeaders.set(apiKey, headers);
  }
  return headers;
}

/**
 * Sends one POST over a keep-alive connection pool and resolves as soon as the response headers
 * arrive. Rejects with a {@link TransportFailure} for a refused or reset connection, headers that
 * never come (silent upstream), or an abort. The caller owns the response body: consume it or
 * `destroy()` it.
 */
export function openUpstream(req: UpstreamRequest): Promise<UpstreamResponse> {
  const headers = headersFor(req.apiKey);
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let body: UpstreamBody | undefined;
    let failure: TransportFailure | undefined;
    const settle = (): void => {
      req.clock.clearTimeout(timer);
      req.signal.removeEventListener('abort', onClientGone);
    };
    const fail = (f: TransportFailure): void => {
      if (body || failure) return;
      failure = f;
      settle();
      controller?.abort(f);
      reject(f);
    };
    const timer = req.clock.setTimeout(
      () => fail(new TransportFailure('silent', `no response headers within ${req.headersTimeoutMs} ms`)),
      req.headersTimeoutMs,
    );
    const onClientGone = (): void => fail(new TransportFailure('aborted', 'the client went away'));
    req.signal.addEventListener('abort', onClientGone, { once: true });
    // The low-level dispatch API: no stream objects per request, and every byte seen (see UpstreamBody).
    agent.dispatch(
      {
        origin: req.url.origin,
        path: req.url.pathname + req.url.search,
        method: 'POST',
        headers,
        body: req.body,
        headersTimeout: 0,
        bodyTimeout: 0,
      },
      {
        onRequestStart(c) {
          controller = c;
          if (failure) c.abort(failure);
        },
        onResponseStart(c, statusCode, resHeaders) {
          if (failure) return c.abort(failure);
          if (statusCode < 200 || body) return;
          body = new UpstreamBody(c);
          settle();
          resolve({ status: statusCode, headers: resHeaders, body });
        },
        onResponseData(_c, chunk) {
          body?.push(chunk);
        },
        onResponseEnd() {
          body?.finish('end');
        },
        onResponseError(_c, error) {
          if (body) body.finish('cut');
          else fail(failureOf(error));
        },
      },
    );
    if (req.signal.aborted) onClientGone();
  });
}

/** Reads a whole response body as text (capped; the rest is dropped). */
export function readBody(res: UpstreamResponse, maxBytes = 8 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.body.consume({
      data: (bytes) => {
        size += bytes.length;
        if (size <= maxBytes) chunks.push(bytes);
      },
      end: () =>
        resolve(
          chunks.length === 1
            ? (chunks[0] as Buffer).toString('utf8')
            : Buffer.concat(chunks).toString('utf8'),
        ),
      cut: () => reject(new TransportFailure('reset', 'the response was cut before its end')),
    });
  });
}

let warmed: Promise<void> | undefined;

/**
 * Prepares the upstream client once per process (undici compiles its HTTP parser on the first
 * connection, which would otherwise be charged to the first proxied request): one request to a
 * throwaway loopback socket that answers 204. Never rejects.
 */
export function warmUpstreamClient(): Promise<void> {
  warmed ??= (async () => {
    const server = createServer((socket) => {
      socket.on('data', () => socket.end('HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n'));
      socket.on('error', () => {});
    });
    server.unref();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const client = new Client(`http://127.0.0.1:${port}`);
    try {
      const res = await client.request({ path: '/', method: 'GET', headersTimeout: 5_000 });
      await res.body.dump();
    } finally {
      await client.close().catch(() => {});
      server.close();
    }
  })().catch(() => {});
  return warmed;
}
