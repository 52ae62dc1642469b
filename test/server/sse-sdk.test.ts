import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { get as httpGet, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FetchFn } from '../../src/client/client-options.js';
import type { ConnectionState } from '../../src/client/progress-stream.js';
import { ReelayClient } from '../../src/client/reelay-client.js';
import type { StoredEvent } from '../../src/domain/events.js';
import type { ServerConfig } from '../../src/server/server-options.js';
import { type FakeReelayService, makeTestVideo } from '../support/fake-reelay-service.js';
import { setup, VALID_REQUEST } from './helpers.js';

let dir: string;
let videoPath: string;
let video: Buffer;
let app: FastifyInstance;
let service: FakeReelayService;
let baseUrl: string;
let sockets: Set<Socket>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reelay-sse-'));
  videoPath = await makeTestVideo(dir);
  video = await readFile(videoPath);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function listen(config: ServerConfig = {}): Promise<void> {
  ({ app, service } = setup({ config }));
  sockets = new Set();
  app.server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  baseUrl = `http://127.0.0.1:${address.port}`;
}
afterEach(async () => {
  const closing = app.close();
  // undici may open a spare connection that never sends a request; the server would wait for it.
  for (const s of sockets) s.destroy();
  await closing;
});

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Records the headers of each stream request; optionally fails stream requests. */
function recordingFetch(failStreams = false): {
  fetch: FetchFn;
  streamHeaders: Array<Record<string, string>>;
} {
  const streamHeaders: Array<Record<string, string>> = [];
  const fetch: FetchFn = async (url, init) => {
    if (url.endsWith('/stream')) {
      streamHeaders.push({ ...(init?.headers as Record<string, string>) });
      if (failStreams) throw new TypeError('fetch failed');
    }
    return globalThis.fetch(url, init);
  };
  return { fetch, streamHeaders };
}

const idsOf = (events: StoredEvent[]): number[] => events.map((e) => e.id);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

describe('SSE over a real socket with the SDK', () => {
  it('delivers every event in order and resolves on done', async () => {
    await listen();
    const client = new ReelayClient({ baseUrl });
    const { jobId } = await client.generateVideo(VALID_REQUEST);
    await service.start(jobId);
    const events: StoredEvent[] = [];
    const states: ConnectionState[] = [];
    const done = client.streamProgress(jobId, {
      onEvent: (e) => events.push(e),
      onConnectionState: (s) => states.push(s),
    });
    await waitFor(() => events.length === 2, 'replay');
    await service.progress(jobId, 30, 'script');
    await service.completeStage(jobId, 'script', 'narration');
    await service.finish(jobId, videoPath);
    const result = await done;
    expect(result.terminal?.type).toBe('done');
    expect(events.map((e) => e.type)).toEqual([
      'job-queued',
      'job-started',
      'progress',
      'stage-complete',
      'done',
    ]);
    expect(idsOf(events)).toEqual(range(5));
    expect(states).toEqual(['connecting', 'open', 'closed']);
    await waitFor(() => service.liveSubscriptions === 0, 'subscription disposed');
  });

  it('resumes with Last-Event-ID after the server cuts the stream, losing and duplicating nothing', async () => {
    await listen();
    const { fetch, streamHeaders } = recordingFetch();
    let release: () => void = () => {};
    const sleeps: number[] = [];
    const client = new ReelayClient({
      baseUrl,
      fetch,
      sleep: (ms) => {
        sleeps.push(ms);
        return new Promise((r) => {
          release = r;
        });
      },
    });
    const { jobId } = await client.generateVideo(VALID_REQUEST);
    await service.start(jobId);
    const events: StoredEvent[] = [];
    const states: ConnectionState[] = [];
    const done = client.streamProgress(jobId, {
      onEvent: (e) => events.push(e),
      onConnectionState: (s) => states.push(s),
    });
    await waitFor(() => events.length === 2, 'replay');
    await service.progress(jobId, 10, 'script');
    await service.progress(jobId, 20, 'script');
    await waitFor(() => events.length === 4, 'live events');
    for (const s of sockets) s.destroy();
    await waitFor(() => states.includes('reconnecting'), 'reconnecting');
    // Missed while disconnected: must be replayed.
    await service.progress(jobId, 30, 'narration');
    await service.progress(jobId, 40, 'narration');
    await service.progress(jobId, 50, 'visuals');
    release();
    await waitFor(() => events.length === 7, 'replayed events');
    await service.progress(jobId, 60, 'render');
    await service.finish(jobId, videoPath);
    const result = await done;
    expect(idsOf(events)).toEqual(range(9));
    expect(result).toMatchObject({ lastEventId: 9, via: 'stream' });
    expect(streamHeaders).toHaveLength(2);
    expect(streamHeaders[0]?.['last-event-id']).toBeUndefined();
    expect(streamHeaders[1]?.['last-event-id']).toBe('4');
    expect(sleeps).toEqual([1000]);
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open', 'closed']);
  });

  it('replays a finished job from the start or from a given id, then ends', async () => {
    await listen();
    const client = new ReelayClient({ baseUrl });
    const { jobId } = await client.generateVideo(VALID_REQUEST);
    await service.start(jobId);
    await service.progress(jobId, 50, 'script');
    await service.finish(jobId, videoPath);
    const all: StoredEvent[] = [];
    const r1 = await client.streamProgress(jobId, { onEvent: (e) => all.push(e) });
    expect(idsOf(all)).toEqual([1, 2, 3, 4]);
    expect(r1.terminal?.type).toBe('done');
    const tail: StoredEvent[] = [];
    await client.streamProgress(jobId, { onEvent: (e) => tail.push(e), lastEventId: 3 });
    expect(idsOf(tail)).toEqual([4]);
  });

  it('404s an unknown job with problem details and no SSE headers', async () => {
    await listen();
    const client = new ReelayClient({ baseUrl });
    await expect(client.streamProgress('job_nope', { onEvent: () => {} })).rejects.toMatchObject({
      status: 404,
      code: 'REELAY_ERR_NOT_FOUND',
    });
  });

  it('sends SSE headers, retry first, keep-alive comments, and ends streams when the server closes', async () => {
    await listen({ sseKeepAliveMs: 20 });
    const job = await service.submit(VALID_REQUEST);
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      httpGet(
        `${baseUrl}/api/video/${job.id}/stream?lastEventId=1`,
        { headers: { 'x-correlation-id': 'sse-1' } },
        resolve,
      ).on('error', reject);
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['x-accel-buffering']).toBe('no');
    expect(res.headers['x-correlation-id']).toBe('sse-1');
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => {
      text += c;
    });
    const ended = new Promise<void>((r) => res.on('end', r));
    await waitFor(() => (text.match(/: keep-alive\n\n/g) ?? []).length >= 2, 'two keep-alives');
    expect(text.startsWith('retry: 2000\n\n')).toBe(true);
    expect(text).not.toContain('id: 1\n');
    expect(service.liveSubscriptions).toBe(1);
    await app.close();
    await ended;
    expect(service.liveSubscriptions).toBe(0);
  });

  it('disposes the subscription when the client goes away', async () => {
    await listen();
    const job = await service.submit(VALID_REQUEST);
    const ac = new AbortController();
    const client = new ReelayClient({ baseUrl });
    const states: ConnectionState[] = [];
    const p = client.streamProgress(job.id, {
      onEvent: () => {},
      signal: ac.signal,
      onConnectionState: (s) => states.push(s),
    });
    await waitFor(() => service.liveSubscriptions === 1, 'subscribed');
    ac.abort(new Error('user left'));
    await expect(p).rejects.toThrow('user left');
    await waitFor(() => service.liveSubscriptions === 0, 'unsubscribed');
    expect(states.at(-1)).toBe('closed');
  });

  it('lets a user answer a decision-required event through POST /api/jobs/:id/decisions', async () => {
    await listen();
    const client = new ReelayClient({ baseUrl });
    const { jobId } = await client.generateVideo({ ...VALID_REQUEST, fallbackPolicy: 'ask' });
    await service.start(jobId);
    const events: StoredEvent[] = [];
    const done = client.streamProgress(jobId, {
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'decision-required') {
          void client.answerDecision(jobId, {
            option: 'try_alternative',
            provider: e.alternatives[0]?.provider ?? '',
            decisionId: e.decisionId,
          });
        }
        if (e.type === 'fallback-decision') void service.finish(jobId, videoPath);
      },
    });
    await waitFor(() => events.length === 2, 'replay');
    await service.requireDecision(jobId, 'template', 'script');
    await done;
    expect(events.map((e) => e.type)).toEqual([
      'job-queued',
      'job-started',
      'decision-required',
      'decision-answered',
      'fallback-decision',
      'done',
    ]);
    const { decisions } = await client.listDecisions(jobId);
    expect(decisions).toMatchObject([
      { fromProvider: 'template', toProvider: 'ollama', userConfirmed: true },
    ]);
    expect((await client.pendingDecision(jobId)).pending).toBeNull();
  });

  it('falls back to polling every 2 s after 5 failed reconnects', async () => {
    await listen();
    const { fetch, streamHeaders } = recordingFetch(true);
    const sleeps: number[] = [];
    const client = new ReelayClient({ baseUrl, fetch, sleep: async (ms) => void sleeps.push(ms) });
    const job = await service.submit(VALID_REQUEST);
    await service.start(job.id);
    const states: ConnectionState[] = [];
    const statuses: string[] = [];
    const result = await client.streamProgress(job.id, {
      onEvent: () => {},
      onConnectionState: (s) => states.push(s),
      onStatus: (s) => {
        statuses.push(s.status);
        if (statuses.length === 2) void service.cancel(job.id, 'enough');
      },
    });
    expect(streamHeaders).toHaveLength(6);
    expect(sleeps.slice(0, 5)).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(new Set(sleeps.slice(5))).toEqual(new Set([2000]));
    expect(states.slice(0, 7)).toEqual(['connecting', ...Array(5).fill('reconnecting'), 'polling']);
    expect(states.at(-1)).toBe('closed');
    expect(result).toMatchObject({ via: 'polling', terminal: null, status: { status: 'canceled' } });
    expect(statuses.slice(0, 2)).toEqual(['processing', 'processing']);
  });
});

describe('SDK download and metadata over a real socket', () => {
  it('downloads whole, resumes from an offset, writes to a sink, and treats resume-at-end as complete', async () => {
    await listen();
    const client = new ReelayClient({ baseUrl });
    const job = await service.submit(VALID_REQUEST);
    await service.start(job.id);
    await service.finish(job.id, videoPath);
    const progress: Array<[number, number | null]> = [];
    const whole = await client.downloadVideo(job.id, { onProgress: (r, t) => progress.push([r, t]) });
    expect(Buffer.from(whole.data ?? []).equals(video)).toBe(true);
    expect(progress.at(-1)).toEqual([video.length, video.length]);
    const resumed = await client.downloadVideo(job.id, { resumeFrom: 1000 });
    expect(Buffer.from(resumed.data ?? []).equals(video.subarray(1000))).toBe(true);
    expect(resumed).toMatchObject({ bytesReceived: video.length, totalBytes: video.length });
    const chunks: Uint8Array[] = [];
    const sunk = await client.downloadVideo(job.id, { sink: { write: (c) => chunks.push(c) } });
    expect(sunk.data).toBeNull();
    expect(Buffer.concat(chunks).equals(video)).toBe(true);
    const atEnd = await client.downloadVideo(job.id, { resumeFrom: video.length });
    expect(atEnd).toMatchObject({ bytesReceived: video.length, totalBytes: video.length });
    const meta = await client.getMetadata(job.id);
    expect(meta).toMatchObject({ width: 320, height: 240, codec: 'h264' });
  });
});
