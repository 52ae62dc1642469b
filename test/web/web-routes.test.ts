/**
 * The server side of the web UI, through `app.inject()`: the page and its compressed assets (and
 * their size budget), the public paths next to a key-protected API, the job search the jobs list
 * uses, and the thumbnail of a finished video.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript build script without declarations
import { buildWebAssets } from '../../scripts/build-web.mjs';
import type { JobSearchResponse } from '../../src/server/routes/job-search-routes.js';
import { webUiPlugin } from '../../src/web/web-ui-plugin.js';
import { expectProblem, setup, VALID_REQUEST } from '../server/helpers.js';
import { makeTestVideo } from '../support/fake-reelay-service.js';

let dir: string;
let ui: FastifyInstance;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reelay-web-routes-'));
  await buildWebAssets(join(dir, 'assets'));
  ui = Fastify();
  await ui.register(webUiPlugin, { config: { apiKeys: [] }, assetsDir: join(dir, 'assets') });
}, 60_000);

afterAll(async () => {
  await ui.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the web UI plugin', () => {
  it('serves the page with a strict CSP, linking versioned same-origin assets only', async () => {
    const res = await ui.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toMatch(/<script type="module" src="\/ui\/app\.js\?v=[0-9a-f]{16}">/);
    expect(res.body).toMatch(/<link rel="stylesheet" href="\/ui\/app\.css\?v=[0-9a-f]{16}">/);
    expect(res.body).not.toMatch(/https?:\/\//);
  });

  it('sends assets brotli- or gzip-compressed from memory, with ETags and 304s', async () => {
    const plain = await ui.inject({ url: '/ui/app.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    const br = await ui.inject({ url: '/ui/app.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(plain.body);
    const gz = await ui.inject({ url: '/ui/app.css', headers: { 'accept-encoding': 'gzip, br;q=0' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toContain('.latency-badge');
    const again = await ui.inject({
      url: '/ui/app.js',
      headers: { 'if-none-match': String(plain.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    expect(plain.headers['cache-control']).toContain('immutable');
    expect(plain.body).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });

  it('keeps the job page’s first load under 200 KB compressed', async () => {
    let total = 0;
    const sizes: Record<string, number> = {};
    for (const url of ['/', '/ui/app.js', '/ui/app.css', '/ui/settings.json']) {
      const res = await ui.inject({ url, headers: { 'accept-encoding': 'br, gzip' } });
      expect(res.statusCode).toBe(200);
      sizes[url] = res.rawPayload.length;
      total += res.rawPayload.length;
    }
    process.stdout.write(`web UI first load (brotli): ${JSON.stringify(sizes)} = ${total} bytes\n`);
    expect(total).toBeLessThanOrEqual(200 * 1024);
  });

  it('answers unknown assets with problem details', async () => {
    const res = await ui.inject({ url: '/ui/missing.js' });
    expect(res.statusCode).toBe(404);
  });

  it('explains how to build the UI when the assets are missing', async () => {
    const bare = Fastify();
    await bare.register(webUiPlugin, { config: { apiKeys: [] }, assetsDir: join(dir, 'nothing-here') });
    const res = await bare.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('npm run build');
    await bare.close();
  });
});

describe('the web UI next to a key-protected API', () => {
  it('serves the page, assets and settings without a key; the API still needs one', async () => {
    const { app } = setup({ config: { apiKeys: ['k-one'] } });
    expect((await app.inject({ url: '/' })).statusCode).toBe(200);
    const settings = await app.inject({ url: '/ui/settings.json' });
    expect(settings.json()).toEqual({ authRequired: true });
    expectProblem(await app.inject({ url: '/api/jobs' }), 401, 'REELAY_ERR_UNAUTHORIZED');
    expectProblem(await app.inject({ url: '/api/jobs/search' }), 401, 'REELAY_ERR_UNAUTHORIZED');
    await app.close();
  });
});

describe('GET /api/jobs/search', () => {
  it('filters by words of the brief, status, provider and creation date', async () => {
    const { app, service } = setup();
    const a = await service.submit({ ...VALID_REQUEST, brief: 'Explain how TIDES work for kids' });
    const b = await service.submit({
      ...VALID_REQUEST,
      brief: 'Why volcanoes erupt',
      providers: { llm: 'ollama' },
    });
    const c = await service.submit({ ...VALID_REQUEST, brief: 'Tides and the moon, for adults' });
    await service.start(c.id);
    await service.emit(c, { type: 'stage-started', stage: 'narration', provider: 'espeak' });
    const search = async (qs: string) => {
      const res = await app.inject({ url: `/api/jobs/search?${qs}` });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as JobSearchResponse).items.map((i) => i.jobId).sort();
    };
    expect(await search('')).toEqual([a.id, b.id, c.id].sort());
    expect(await search('q=tides')).toEqual([a.id, c.id].sort());
    expect(await search('q=tides&status=processing')).toEqual([c.id]);
    expect(await search('provider=ollama')).toEqual([b.id]);
    expect(await search('provider=espeak')).toEqual([c.id]);
    const today = new Date().toISOString().slice(0, 10);
    expect(await search(`to=${today}`)).toHaveLength(3);
    expect(await search('to=2000-01-01')).toEqual([]);
    const first = (await app.inject({ url: '/api/jobs/search?q=volcano' })).json() as JobSearchResponse;
    expect(first.items[0]).toMatchObject({
      brief: 'Why volcanoes erupt',
      requestedProviders: { llm: 'ollama' },
    });
    const bad = expectProblem(
      await app.inject({ url: '/api/jobs/search?from=yesterday' }),
      400,
      'REELAY_ERR_VALIDATION',
    );
    expect(bad.errors?.[0]?.field).toBe('from');
    await app.close();
  });
});

describe('GET /api/video/:id/thumbnail', () => {
  it('makes a JPEG of a finished video once, and says when the video is not ready', async () => {
    const { app, service } = setup();
    const job = await service.submit(VALID_REQUEST);
    expectProblem(await app.inject({ url: `/api/video/${job.id}/thumbnail` }), 409, 'REELAY_ERR_NOT_READY');
    await service.start(job.id);
    const video = await makeTestVideo(dir, 2);
    await service.finish(job.id, video);
    const res = await app.inject({ url: `/api/video/${job.id}/thumbnail` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.rawPayload.subarray(0, 2).toString('hex')).toBe('ffd8');
    const cached = await stat(join(dirname(video), 'video.thumb.jpg'));
    const again = await app.inject({ url: `/api/video/${job.id}/thumbnail` });
    expect(again.rawPayload.equals(res.rawPayload)).toBe(true);
    expect((await stat(join(dirname(video), 'video.thumb.jpg'))).mtimeMs).toBe(cached.mtimeMs);
    // A second job's video in the same output directory gets its own thumbnail, not the first one's.
    const other = await service.submit(VALID_REQUEST);
    await service.start(other.id);
    await service.finish(other.id, await makeTestVideo(dir, 4, 'video-other.mp4'));
    const second = await app.inject({ url: `/api/video/${other.id}/thumbnail` });
    expect(second.statusCode).toBe(200);
    expect(second.rawPayload.equals(res.rawPayload)).toBe(false);
    await stat(join(dirname(video), 'video-other.thumb.jpg'));
    await app.close();
  }, 30_000);
});
