import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Clock } from '../../domain/clock.js';

// noDelay reaches net.createConnection through the agent (the agent's own types do not list it).
const agentOptions = { keepAlive: true, maxSockets: 1024, maxFreeSockets: 256, noDelay: true };
const httpAgent = new HttpAgent(agentOptions);
const httpsAgent = new HttpsAgent(agentOptions);

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

/**
 * Sends one POST over a keep-alive agent (node:http, no fetch layers on the hot path) and resolves
 * with the response as soon as its headers arrive. Rejects with a {@link TransportFailure} for a
 * refused or reset connection, headers that never come (silent upstream), or an abort.
 * The caller owns the response: consume it or `destroy()` it.
 */
export function openUpstream(req: UpstreamRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const https = req.url.protocol === 'https:';
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(req.body),
      accept: 'application/json, text/event-stream',
    };
    if (req.apiKey) headers.authorization = `Bearer ${req.apiKey}`;
    const outgoing = (https ? httpsRequest : httpRequest)(req.url, {
      method: 'POST',
      headers,
      agent: https ? httpsAgent : httpAgent,
    });
    let settled = false;
    const settle = (error: TransportFailure | null, res?: IncomingMessage): void => {
      if (settled) return;
      settled = true;
      req.clock.clearTimeout(timer);
      req.signal.removeEventListener('abort', onAbort);
      if (error) {
        outgoing.destroy();
        reject(error);
      } else if (res) resolve(res);
    };
    const timer = req.clock.setTimeout(
      () => settle(new TransportFailure('silent', `no response headers within ${req.headersTimeoutMs} ms`)),
      req.headersTimeoutMs,
    );
    const onAbort = (): void => settle(new TransportFailure('aborted', 'the client went away'));
    req.signal.addEventListener('abort', onAbort, { once: true });
    outgoing.on('response', (res) => settle(null, res));
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? '';
      const kind: TransportFailureKind = code === 'ECONNRESET' || code === 'EPIPE' ? 'reset' : 'connect';
      settle(
        new TransportFailure(
          kind,
          `${kind === 'reset' ? 'connection reset' : 'connection failed'} (${code || error.message})`,
          code,
        ),
      );
    });
    outgoing.end(req.body);
  });
}

/** Reads a whole response body as text (capped; the rest is dropped). */
export function readBody(res: IncomingMessage, maxBytes = 8 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    res.on('end', () =>
      resolve(
        chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8'),
      ),
    );
    res.on('error', reject);
    res.on('aborted', () => reject(new TransportFailure('reset', 'the response was cut before its end')));
    res.on('close', () => {
      if (!res.complete) reject(new TransportFailure('reset', 'the response was cut before its end'));
    });
  });
}
