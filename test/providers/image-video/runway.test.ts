import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReelayError } from '../../../src/domain/errors.js';
import type { Heartbeat } from '../../../src/domain/heartbeat.js';
import type { VideoRenderRequest } from '../../../src/domain/provider.js';
import { probeMedia } from '../../../src/providers/media/ffprobe.js';
import { RunwayProvider } from '../../../src/providers/video/runway-provider.js';
import { driveUntilSettled, ManualClock, waitFor } from '../../fixtures/image-video/manual-clock.js';
import { solidPng, TINY_MP4_SECONDS, tinyMp4 } from '../../fixtures/image-video/media-assets.js';
import { type RunwayFixture, startRunwayFixture } from '../../fixtures/image-video/runway-fixture.js';

let fx: RunwayFixture;
let dir: string;
let imagePath: string;

beforeAll(async () => {
  [fx] = await Promise.all([startRunwayFixture(), tinyMp4()]);
  dir = await mkdtemp(join(tmpdir(), 'reelay-runway-'));
  imagePath = join(dir, 'scene-0.png');
  await writeFile(imagePath, solidPng(64, 36));
});
afterAll(() => fx.close());
beforeEach(() => {
  fx.requests.length = 0;
  fx.failures.length = 0;
  fx.canceled.length = 0;
  fx.scenario.mode = 'success';
});

function setup(extra: { image?: boolean } = {}) {
  const clock = new ManualClock();
  const provider = new RunwayProvider({ apiKey: fx.apiKey, baseUrl: fx.url, clock, pollIntervalMs: 1000 });
  const beats: Heartbeat[] = [];
  const controller = new AbortController();
  const request: VideoRenderRequest = {
    scenes: [
      {
        index: 0,
        imagePath: extra.image === false ? '' : imagePath,
        audioPath: '',
        durationMs: 4000,
        narration: 'Clouds drift over the bay.',
        title: 'Morning',
      },
    ],
    width: 1920,
    height: 1080,
    fps: 30,
    codec: 'h264',
    outPath: join(dir, `out-${Math.random().toString(36).slice(2)}.mp4`),
    workDir: dir,
  };
  const run = () =>
    provider.renderVideo(request, { signal: controller.signal, heartbeat: (b) => beats.push(b) });
  return { clock, provider, beats, controller, request, run };
}

async function failure(promise: Promise<unknown>, clock: ManualClock): Promise<ReelayError> {
  return (await driveUntilSettled(clock, promise, 1000).then(
    () => expect.unreachable('expected a failure'),
    (e: unknown) => e,
  )) as ReelayError;
}

describe('RunwayProvider against the Runway fixture', () => {
  it('creates an image-to-video task, polls, and downloads a real MP4 atomically', async () => {
    const s = setup();
    const result = await driveUntilSettled(s.clock, s.run(), 1000);
    const create = fx.requests.find((r) => r.path === '/v1/image_to_video');
    expect(create?.headers.authorization).toBe(`Bearer ${fx.apiKey}`);
    expect(create?.headers['x-runway-version']).toBe('2024-11-06');
    expect(create?.json).toMatchObject({ model: 'gen4_turbo', ratio: '1280:720', duration: 5 });
    expect(String((create?.json as { promptImage?: string } | undefined)?.promptImage)).toMatch(
      /^data:image\/png;base64,iVBOR/,
    );
    const info = await probeMedia(result.path);
    expect(info.video?.width).toBe(160);
    expect(Math.abs(result.durationMs - TINY_MP4_SECONDS * 1000)).toBeLessThan(200);
    const download = fx.requests.find((r) => r.path.startsWith('/files/'));
    expect(download?.headers.authorization).toBeUndefined();
  });

  it('pushes percent heartbeats only as progress rises, ending at 100', async () => {
    const s = setup();
    await driveUntilSettled(s.clock, s.run(), 1000);
    const percents = s.beats.filter((b) => b.percent !== undefined).map((b) => b.percent);
    expect(percents).toEqual([25, 50, 75, 100]);
    expect(s.beats.some((b) => b.message === 'Runway: PENDING')).toBe(true);
  });

  it('polls one interval after create: 999 ms → no poll, 1000 ms → one poll', async () => {
    const s = setup();
    const running = s.run();
    running.catch(() => {});
    await waitFor(() => s.clock.pending() > 0);
    await s.clock.advance(999);
    expect(fx.count('GET', '/v1/tasks/')).toBe(0);
    await s.clock.advance(1);
    await waitFor(() => fx.count('GET', '/v1/tasks/') === 1);
    s.controller.abort(new Error('done'));
    await running.catch(() => {});
  });

  it('sends text-to-video when the first scene has no image', async () => {
    const s = setup({ image: false });
    await driveUntilSettled(s.clock, s.run(), 1000);
    const create = fx.requests.find((r) => r.path === '/v1/text_to_video');
    expect(create?.json).toMatchObject({
      model: 'gen4.5',
      promptText: 'Morning: Clouds drift over the bay.',
    });
  });

  it('maps a SAFETY failure to a non-retryable quality_failure naming the code', async () => {
    fx.scenario.mode = 'fail';
    const s = setup();
    const error = await failure(s.run(), s.clock);
    expect(error.category).toBe('quality_failure');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('SAFETY.INPUT.TEXT');
    expect(fx.canceled).toEqual([]);
  });

  it('maps INTERNAL.BAD_OUTPUT to a retryable api_failure', async () => {
    fx.scenario.mode = 'fail';
    fx.scenario.failureCode = 'INTERNAL.BAD_OUTPUT.CODE01';
    const s = setup();
    const error = await failure(s.run(), s.clock);
    fx.scenario.failureCode = 'SAFETY.INPUT.TEXT';
    expect(error.category).toBe('api_failure');
    expect(error.retryable).toBe(true);
  });

  it.each([
    [401, { error: 'Invalid API key.' }, {}, 'authentication', false],
    [429, { error: 'Too many requests.' }, { 'retry-after': '7' }, 'rate_limit', true],
    [500, { error: 'Internal error.' }, {}, 'api_failure', true],
    [503, { error: 'Service unavailable.' }, {}, 'provider_overload', true],
  ])('HTTP %i on create → %s', async (status, body, headers, category, retryable) => {
    fx.failures.push({ method: 'POST', path: '/v1/image_to_video', status, body, headers });
    const s = setup();
    const error = await failure(s.run(), s.clock);
    expect(error.category).toBe(category);
    expect(error.retryable).toBe(retryable);
    expect(error.message).toContain('Runway');
    if (status === 401) expect(error.message).toContain('RUNWAYML_API_SECRET');
    if (status === 429) expect(error.retryAfterMs).toBe(7000);
    expect(JSON.stringify({ m: error.message, d: error.details })).not.toContain(fx.apiKey);
  });

  it('tolerates a 503 on one status poll and still finishes', async () => {
    fx.failures.push({ method: 'GET', path: '/v1/tasks/', status: 503, body: { error: 'busy' } });
    const s = setup();
    const result = await driveUntilSettled(s.clock, s.run(), 1000);
    expect(result.path).toBe(s.request.outPath);
  });

  it('on a stalled task pushes no rising percent, and an abort reaches DELETE /v1/tasks/{id}', async () => {
    fx.scenario.mode = 'stall';
    const s = setup();
    const running = s.run().catch((e: unknown) => e);
    for (let i = 0; i < 6; i += 1) {
      await waitFor(() => s.clock.pending() > 0);
      await s.clock.advance(1000);
    }
    await waitFor(() => fx.count('GET', '/v1/tasks/') === 6);
    expect(s.beats.filter((b) => b.percent !== undefined).map((b) => b.percent)).toEqual([10]);
    s.controller.abort(new Error('user canceled'));
    const error = (await running) as ReelayError;
    expect(error.code).toBe('REELAY_ERR_CANCELED');
    expect(error.details.remoteCancel).toBe('canceled');
    expect(fx.canceled).toEqual([error.details.jobId]);
  });

  it('a missing scene image is a non-retryable processing_error, before any remote call', async () => {
    const s = setup();
    s.request.scenes[0]!.imagePath = join(dir, 'missing.png');
    const error = (await s.run().catch((e: unknown) => e)) as ReelayError;
    expect(error.category).toBe('processing_error');
    expect(error.retryable).toBe(false);
    expect(fx.requests).toHaveLength(0);
  });

  it('health: authenticated GET /v1/organization; a bad key is unhealthy without leaking it', async () => {
    const ok = await new RunwayProvider({ apiKey: fx.apiKey, baseUrl: fx.url }).healthCheck(
      new AbortController().signal,
    );
    expect(ok).toMatchObject({ healthy: true });
    expect(ok.message).toContain('5000');
    const bad = await new RunwayProvider({
      apiKey: 'rw_wrong_key_abcdefghijkl',
      baseUrl: fx.url,
    }).healthCheck(new AbortController().signal);
    expect(bad.healthy).toBe(false);
    expect(bad.message).toContain('RUNWAYML_API_SECRET');
    expect(bad.message).not.toContain('rw_wrong_key_abcdefghijkl');
  });
});
