import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../domain/logger.js';
import type { HttpContext } from './http-context.js';
import { openNdjsonStream, openSseStream } from './open-streams.js';
import { requestBinary } from './request-binary.js';
import { requestJson } from './request-json.js';

const KEY = 'sk-test-0123456789abcdefSECRET';
type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const routes = new Map<string, Handler>();
let server: Server;
let base: string;
let dir: string;

beforeAll(async () => {
  server = createServer((req, res) =>
    (routes.get(req.url ?? '') ?? ((_, r) => r.writeHead(404).end()))(req, res),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'reelay-http-'));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const logger = new MemoryLogger();
const ctx: HttpContext = {
  provider: 'Acme',
  secrets: [KEY],
  keyEnvVar: 'ACME_KEY',
  logger,
  clock: { now: () => 0, setTimeout: () => 0 as never, clearTimeout: () => {} },
};
const signal = new AbortController().signal;

describe('shared HTTP client', () => {
  it('parses JSON and sends headers and body', async () => {
    routes.set('/json', (req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () =>
        res.end(JSON.stringify({ auth: req.headers.authorization, body: JSON.parse(body) })),
      );
    });
    const { body } = await requestJson(ctx, {
      url: `${base}/json`,
      json: { a: 1 },
      headers: { authorization: `Bearer ${KEY}` },
      signal,
    });
    expect(body).toEqual({ auth: `Bearer ${KEY}`, body: { a: 1 } });
  });

  it('classifies a 429 with Retry-After and removes an echoed key from message, details and logs', async () => {
    routes.set('/limited', (_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
      res.end(
        JSON.stringify({
          error: { message: `Slow down, key ${KEY}`, type: 'requests', code: 'rate_limit_exceeded' },
        }),
      );
    });
    const err = await requestJson(ctx, { url: `${base}/limited`, signal }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      category: 'rate_limit',
      retryable: true,
      retryAfterMs: 7000,
      provider: 'Acme',
    });
    const text = JSON.stringify({
      m: (err as Error).message,
      j: (err as { toJSON(): unknown }).toJSON(),
      logs: logger.records,
    });
    expect(text).not.toContain(KEY);
    expect((err as Error).message).toContain('Acme');
  });

  it('turns a body that is not JSON into a processing_error', async () => {
    routes.set('/html', (_req, res) => res.end('<html>gateway</html>'));
    await expect(requestJson(ctx, { url: `${base}/html`, signal })).rejects.toMatchObject({
      category: 'processing_error',
    });
  });

  it('turns a refused connection into a network_error naming the URL', async () => {
    const err = await requestJson(ctx, { url: 'http://127.0.0.1:1/x', signal }).catch((e: unknown) => e);
    expect(err).toMatchObject({ category: 'network_error', retryable: true });
  });

  it('parses SSE and NDJSON streams', async () => {
    routes.set('/sse', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"n":1}\n\n: ping\n\nda');
      res.end('ta: [DONE]\n\n');
    });
    routes.set('/nd', (_req, res) => {
      res.write('{"n":1}\n{"n"');
      res.end(':2}\n');
    });
    const sse = await openSseStream(ctx, { url: `${base}/sse`, signal });
    const events: string[] = [];
    for await (const e of sse.items) events.push(e.data);
    expect(events).toEqual(['{"n":1}', '[DONE]']);
    const nd = await openNdjsonStream(ctx, { url: `${base}/nd`, signal });
    const lines: unknown[] = [];
    for await (const l of nd.items) lines.push(l);
    expect(lines).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('streams binary bodies to a file atomically with a reserved header and per-chunk progress', async () => {
    routes.set('/bin', (_req, res) => {
      res.write(Buffer.from([1, 2, 3]));
      setTimeout(() => res.end(Buffer.from([4, 5])), 5);
    });
    const progress: number[] = [];
    const out = join(dir, 'a.bin');
    const result = await requestBinary(
      ctx,
      { url: `${base}/bin`, signal },
      {
        outPath: out,
        reserveBytes: 2,
        onChunk: (p) => progress.push(p.chunks),
        finalize: async (file, n) => {
          await file.write(new Uint8Array([9, n]), 0, 2, 0);
        },
      },
    );
    // One call per chunk received (the network may coalesce the two writes).
    expect(result.bytes).toBe(5);
    expect(progress).toEqual(progress.map((_, i) => i + 1));
    expect(progress.at(-1)).toBe(result.chunks);
    expect([...(await readFile(out))]).toEqual([9, 5, 1, 2, 3, 4, 5]);
  });

  it('leaves no file behind when the connection resets mid-body', async () => {
    routes.set('/reset', (_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write(Buffer.alloc(10));
      setTimeout(() => res.socket?.destroy(), 5);
    });
    const out = join(dir, 'reset.bin');
    const err = await requestBinary(ctx, { url: `${base}/reset`, signal }, { outPath: out }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ category: 'network_error', retryable: true });
    expect((await readdir(dir)).filter((f) => f.includes('reset'))).toEqual([]);
  });
});
