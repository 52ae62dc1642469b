import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VideoMetadata } from '../../src/server/api-types.js';
import { type FakeReelayService, makeTestVideo } from '../support/fake-reelay-service.js';
import { expectProblem, setup, VALID_REQUEST } from './helpers.js';

let dir: string;
let file: Buffer;
let app: FastifyInstance;
let service: FakeReelayService;
let doneId: string;
let runningId: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reelay-download-'));
  const path = await makeTestVideo(dir);
  file = await readFile(path);
  ({ app, service } = setup());
  const done = await service.submit(VALID_REQUEST);
  await service.start(done.id);
  await service.finish(done.id, path);
  doneId = done.id;
  const running = await service.submit(VALID_REQUEST);
  await service.start(running.id);
  await service.progress(running.id, 40, 'narration');
  runningId = running.id;
});

afterAll(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

const get = (id: string, range?: string, method: 'GET' | 'HEAD' = 'GET') =>
  app.inject({ method, url: `/api/video/${id}/download`, headers: range ? { range } : {} });

describe('GET /api/video/:id/download', () => {
  it('sends the whole file with video/mp4, attachment name and Accept-Ranges', async () => {
    const res = await get(doneId);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('video/mp4');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="video-${doneId}.mp4"`);
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(Number(res.headers['content-length'])).toBe(file.length);
    expect(res.rawPayload.equals(file)).toBe(true);
  });

  it('serves the first byte, a middle range, a suffix and an open-ended range byte for byte', async () => {
    const size = file.length;
    const cases: Array<[string, number, number]> = [
      ['bytes=0-0', 0, 0],
      ['bytes=100-1099', 100, 1099],
      ['bytes=-500', size - 500, size - 1],
      [`bytes=${size - 10}-`, size - 10, size - 1],
      [`bytes=${size - 1}-${size + 100}`, size - 1, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const res = await get(doneId, range);
      expect(res.statusCode, range).toBe(206);
      expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/${size}`);
      expect(Number(res.headers['content-length'])).toBe(end - start + 1);
      expect(res.rawPayload.equals(file.subarray(start, end + 1)), range).toBe(true);
    }
  });

  it('answers 416 with Content-Range bytes */size for an unsatisfiable range', async () => {
    const res = await get(doneId, `bytes=${file.length}-`);
    expectProblem(res, 416, 'REELAY_ERR_VALIDATION');
    expect(res.headers['content-range']).toBe(`bytes */${file.length}`);
  });

  it('ignores a malformed or multi-range header and sends everything', async () => {
    const res = await get(doneId, 'bytes=0-1,5-9');
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.length).toBe(file.length);
  });

  it('answers HEAD with the headers and no body', async () => {
    const res = await get(doneId, undefined, 'HEAD');
    expect(res.statusCode).toBe(200);
    expect(Number(res.headers['content-length'])).toBe(file.length);
    expect(res.rawPayload.length).toBe(0);
    const ranged = await get(doneId, 'bytes=10-19', 'HEAD');
    expect(ranged.statusCode).toBe(206);
    expect(ranged.headers['content-range']).toBe(`bytes 10-19/${file.length}`);
  });

  it('validates caches with ETag and Last-Modified (304) and honours If-Range', async () => {
    const full = await get(doneId);
    const etag = String(full.headers.etag);
    expect(etag).toMatch(/^W?\/?"/);
    expect(Number.isNaN(Date.parse(String(full.headers['last-modified'])))).toBe(false);
    expect(full.headers['cache-control']).toBe('private, max-age=0');
    const cached = await app.inject({
      method: 'GET',
      url: `/api/video/${doneId}/download`,
      headers: { 'if-none-match': etag },
    });
    expect(cached.statusCode).toBe(304);
    expect(cached.rawPayload.length).toBe(0);
    const fresh = await app.inject({
      method: 'GET',
      url: `/api/video/${doneId}/download`,
      headers: { range: 'bytes=0-9', 'if-range': etag },
    });
    expect(fresh.statusCode).toBe(206);
    const stale = await app.inject({
      method: 'GET',
      url: `/api/video/${doneId}/download`,
      headers: { range: 'bytes=0-9', 'if-range': '"another-version"' },
    });
    expect(stale.statusCode).toBe(200);
    expect(stale.rawPayload.length).toBe(file.length);
  });

  it('404s an unknown job and 409s a job that is not completed, saying its status', async () => {
    expectProblem(await get('job_missing'), 404, 'REELAY_ERR_NOT_FOUND');
    const problem = expectProblem(await get(runningId), 409, 'REELAY_ERR_NOT_READY');
    expect(problem.detail).toContain('processing (40 %)');
  });
});

describe('GET /api/video/:id/metadata', () => {
  it('reads duration, size, codecs and fps from the rendered file', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/video/${doneId}/metadata` });
    expect(res.statusCode).toBe(200);
    const meta = res.json() as VideoMetadata;
    expect(meta).toMatchObject({
      jobId: doneId,
      width: 320,
      height: 240,
      codec: 'h264',
      fps: 25,
      audioCodec: 'aac',
      sizeBytes: file.length,
      artifacts: ['script.json', 'video.mp4'],
    });
    expect(meta.durationSeconds).toBeGreaterThan(0.9);
    expect(meta.durationSeconds).toBeLessThan(1.2);
    expect(meta.finishedAt).not.toBeNull();
  });

  it('409s when the job is not done', async () => {
    expectProblem(
      await app.inject({ method: 'GET', url: `/api/video/${runningId}/metadata` }),
      409,
      'REELAY_ERR_NOT_READY',
    );
  });
});
