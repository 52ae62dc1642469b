import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReelayApiError } from './api-error.js';
import type { FetchFn } from './client-options.js';
import { ReelayClient } from './reelay-client.js';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

const problem = (status: number, code: string, extra: Record<string, unknown> = {}) =>
  new Response(
    JSON.stringify({
      type: 'https://reelay.dev/problems/x',
      title: 'T',
      status,
      detail: `detail ${status}`,
      instance: '/x',
      code,
      correlationId: 'corr-9',
      timestamp: '2025-01-01T00:00:00Z',
      ...extra,
    }),
    {
      status,
      headers: { 'content-type': 'application/problem+json', ...(extra.headers as Record<string, string>) },
    },
  );

function scripted(responses: Array<() => Response | Promise<Response>>): { fetch: FetchFn; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: FetchFn = async (url, init) => {
    calls.push({
      url,
      method: init?.method ?? 'GET',
      headers: { ...(init?.headers as Record<string, string>) },
      body: init?.body as string | undefined,
    });
    const next = responses.shift();
    if (!next) throw new Error('no more scripted responses');
    return next();
  };
  return { fetch, calls };
}

function client(
  fetch: FetchFn,
  sleeps: number[] = [],
  extra: Partial<ConstructorParameters<typeof ReelayClient>[0]> = {},
) {
  return new ReelayClient({
    baseUrl: 'http://reelay.test/',
    apiKey: 'k-123456',
    fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
}

const ok = (body: unknown) => () => new Response(JSON.stringify(body), { status: 200 });

afterEach(() => vi.useRealTimers());

describe('ReelayClient requests', () => {
  it('sends the bearer key and JSON, and builds ReelayApiError from problem details', async () => {
    const { fetch, calls } = scripted([
      () => problem(400, 'REELAY_ERR_VALIDATION', { errors: [{ field: 'brief', message: 'required' }] }),
    ]);
    const error = await client(fetch)
      .generateVideo({ durationMinutes: 1 }, { correlationId: 'mine-1' })
      .catch((e: unknown) => e);
    expect(ReelayApiError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      status: 400,
      code: 'REELAY_ERR_VALIDATION',
      detail: 'detail 400',
      correlationId: 'corr-9',
      fields: [{ field: 'brief', message: 'required' }],
      retryable: false,
    });
    expect(calls[0]).toMatchObject({
      url: 'http://reelay.test/api/video/generate',
      method: 'POST',
      body: '{"durationMinutes":1}',
    });
    expect(calls[0]?.headers).toMatchObject({
      authorization: 'Bearer k-123456',
      'x-correlation-id': 'mine-1',
      'content-type': 'application/json',
    });
  });

  it('retries idempotent calls on 5xx and network errors with 1 s, 2 s, 4 s (capped) backoff', async () => {
    const sleeps: number[] = [];
    const { fetch, calls } = scripted([
      () => problem(503, 'REELAY_ERR_PREFLIGHT'),
      () => {
        throw new TypeError('fetch failed');
      },
      () => problem(502, 'REELAY_ERR_PROVIDER'),
      ok({ jobId: 'j1', status: 'processing' }),
    ]);
    const status = await client(fetch, sleeps, { retryCapMs: 3000 }).getStatus('j1');
    expect(status).toMatchObject({ jobId: 'j1' });
    expect(calls).toHaveLength(4);
    expect(sleeps).toEqual([1000, 2000, 3000]);
  });

  it('gives up after 3 retries with the last error', async () => {
    const sleeps: number[] = [];
    const { fetch, calls } = scripted(
      Array.from({ length: 4 }, () => () => problem(500, 'REELAY_ERR_INTERNAL')),
    );
    await expect(client(fetch, sleeps).getStatus('j1')).rejects.toMatchObject({
      status: 500,
      retryable: true,
    });
    expect(calls).toHaveLength(4);
  });

  it('honours Retry-After on 429, and never retries generate or 4xx', async () => {
    const sleeps: number[] = [];
    const { fetch, calls } = scripted([
      () => problem(429, 'REELAY_ERR_RATE_LIMITED', { headers: { 'retry-after': '7' } }),
      ok({ items: [], nextCursor: null }),
      () => problem(429, 'REELAY_ERR_RATE_LIMITED', { headers: { 'retry-after': '7' } }),
      () => problem(404, 'REELAY_ERR_NOT_FOUND'),
    ]);
    const c = client(fetch, sleeps);
    await c.listJobs({ status: 'completed', limit: 5 });
    expect(calls[0]?.url).toBe('http://reelay.test/api/jobs?status=completed&limit=5');
    expect(sleeps).toEqual([7000]);
    await expect(c.generateVideo({ brief: 'x' })).rejects.toMatchObject({ status: 429, retryAfterMs: 7000 });
    await expect(c.getStatus('nope')).rejects.toMatchObject({ status: 404, code: 'REELAY_ERR_NOT_FOUND' });
    expect(calls).toHaveLength(4);
    expect(sleeps).toEqual([7000]);
  });

  it('times out at exactly timeoutMs', async () => {
    vi.useFakeTimers();
    const fetch: FetchFn = (_url, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    const c = client(fetch, [], { timeoutMs: 1000, retries: 0 });
    let settled: unknown = 'pending';
    const p = c.getStatus('j').catch((e: unknown) => {
      settled = e;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    await p;
    expect(settled).toMatchObject({ status: 0, code: 'REELAY_ERR_TIMEOUT' });
  });

  it('opens its breaker after 5 failures and stops calling the server', async () => {
    const { fetch, calls } = scripted(
      Array.from({ length: 5 }, () => () => problem(503, 'REELAY_ERR_PREFLIGHT')),
    );
    const c = client(fetch, [], { retries: 0 });
    for (let i = 0; i < 5; i++) await expect(c.getStatus('j')).rejects.toMatchObject({ status: 503 });
    expect(c.breakerState).toBe('open');
    await expect(c.getStatus('j')).rejects.toMatchObject({ status: 0, code: 'REELAY_ERR_CIRCUIT_OPEN' });
    expect(calls).toHaveLength(5);
  });

  it('stops on abort with the signal reason', async () => {
    const { fetch } = scripted([() => problem(503, 'REELAY_ERR_PREFLIGHT')]);
    const ac = new AbortController();
    const c = new ReelayClient({
      baseUrl: 'http://reelay.test',
      fetch,
      sleep: async () => {
        ac.abort(new Error('user stop'));
        throw ac.signal.reason;
      },
    });
    await expect(c.getStatus('j', { signal: ac.signal })).rejects.toThrow('user stop');
  });
});

describe('ReelayClient.downloadVideo', () => {
  it('resumes with Range after the body breaks off mid-way', async () => {
    const bytes = Uint8Array.from({ length: 100 }, (_, i) => i);
    let sent = false;
    const broken = () =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            // First pull delivers 40 bytes; the next one fails, as a dropped connection does.
            if (sent) controller.error(new TypeError('terminated'));
            else controller.enqueue(bytes.subarray(0, 40));
            sent = true;
          },
        }),
        { status: 200, headers: { 'content-length': '100' } },
      );
    const rest = () =>
      new Response(bytes.subarray(40), { status: 206, headers: { 'content-range': 'bytes 40-99/100' } });
    const sleeps: number[] = [];
    const { fetch, calls } = scripted([broken, rest]);
    const result = await client(fetch, sleeps).downloadVideo('j1');
    expect(result.bytesReceived).toBe(100);
    expect(result.totalBytes).toBe(100);
    expect(Array.from(result.data ?? [])).toEqual(Array.from(bytes));
    expect(calls[1]?.headers.range).toBe('bytes=40-');
    expect(sleeps).toEqual([1000]);
  });

  it('skips already-held bytes when the server ignores the range', async () => {
    const bytes = Uint8Array.from({ length: 10 }, (_, i) => i);
    const { fetch } = scripted([() => new Response(bytes, { status: 200 })]);
    const result = await client(fetch).downloadVideo('j1', { resumeFrom: 4 });
    expect(Array.from(result.data ?? [])).toEqual([4, 5, 6, 7, 8, 9]);
    expect(result.bytesReceived).toBe(10);
  });
});
