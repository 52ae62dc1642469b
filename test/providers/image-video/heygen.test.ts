import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReelayError } from '../../../src/domain/errors.js';
import type { Heartbeat } from '../../../src/domain/heartbeat.js';
import type { VideoRenderRequest } from '../../../src/domain/provider.js';
import { probeMedia } from '../../../src/providers/media/ffprobe.js';
import { HeyGenProvider } from '../../../src/providers/video/heygen-provider.js';
import { type HeyGenFixture, startHeyGenFixture } from '../../fixtures/image-video/heygen-fixture.js';
import { driveUntilSettled, ManualClock, waitFor } from '../../fixtures/image-video/manual-clock.js';
import { TINY_MP4_SECONDS, tinyMp4 } from '../../fixtures/image-video/media-assets.js';

let fx: HeyGenFixture;
let dir: string;

beforeAll(async () => {
  [fx] = await Promise.all([startHeyGenFixture(), tinyMp4()]);
  dir = await mkdtemp(join(tmpdir(), 'reelay-heygen-'));
});
afterAll(() => fx.close());
beforeEach(() => {
  fx.requests.length = 0;
  fx.failures.length = 0;
  fx.deleted.length = 0;
  fx.scenario.mode = 'success';
  fx.scenario.remainingQuota = 3600;
});

function setup(options: { deleteOnAbort?: boolean } = {}) {
  const clock = new ManualClock();
  const provider = new HeyGenProvider({
    apiKey: fx.apiKey,
    avatarId: 'avatar_1',
    voiceId: 'voice_1',
    baseUrl: fx.url,
    clock,
    pollIntervalMs: 2000,
    ...options,
  });
  const beats: Heartbeat[] = [];
  const controller = new AbortController();
  const scene = (index: number, narration: string) => ({
    index,
    imagePath: '',
    audioPath: '',
    durationMs: 3000,
    narration,
    title: `Scene ${index + 1}`,
  });
  const request: VideoRenderRequest = {
    scenes: [scene(0, 'Welcome to the harbour.'), scene(1, '')],
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
  return (await driveUntilSettled(clock, promise, 2000).then(
    () => expect.unreachable('expected a failure'),
    (e: unknown) => e,
  )) as ReelayError;
}

describe('HeyGenProvider against the HeyGen fixture', () => {
  it('generates one avatar input per scene, polls, and downloads a real MP4', async () => {
    const s = setup();
    const result = await driveUntilSettled(s.clock, s.run(), 2000);
    const create = fx.requests.find((r) => r.path === '/v2/video/generate');
    expect(create?.headers['x-api-key']).toBe(fx.apiKey);
    expect(create?.json).toMatchObject({
      dimension: { width: 1280, height: 720 },
      video_inputs: [
        {
          character: { type: 'avatar', avatar_id: 'avatar_1', avatar_style: 'normal' },
          voice: { type: 'text', input_text: 'Welcome to the harbour.', voice_id: 'voice_1' },
        },
        { voice: { input_text: 'Scene 2' } },
      ],
    });
    const info = await probeMedia(result.path);
    expect(Math.abs(info.durationMs - TINY_MP4_SECONDS * 1000)).toBeLessThan(200);
    expect(fx.requests.find((r) => r.path.startsWith('/files/'))?.headers['x-api-key']).toBeUndefined();
  });

  it('declares no percent heartbeat and pushes each remote state once as a message', async () => {
    const s = setup();
    expect(s.provider.capabilities.heartbeat).toBe('none');
    await driveUntilSettled(s.clock, s.run(), 2000);
    const messages = s.beats
      .map((b) => b.message)
      .filter((m) => m?.startsWith('HeyGen: ') && !m.includes('job'));
    expect(messages).toEqual([
      'HeyGen: waiting',
      'HeyGen: pending',
      'HeyGen: processing',
      'HeyGen: completed',
    ]);
    expect(s.beats.filter((b) => b.percent !== undefined).map((b) => b.percent)).toEqual([100]);
  });

  it('polls every 2000 ms: 1999 → none, 2000 → one', async () => {
    const s = setup();
    const running = s.run().catch(() => {});
    await waitFor(() => s.clock.pending() > 0);
    await s.clock.advance(1999);
    expect(fx.count('GET', '/v1/video_status.get')).toBe(0);
    await s.clock.advance(1);
    await waitFor(() => fx.count('GET', '/v1/video_status.get') === 1);
    expect(fx.requests.at(-1)?.query.get('video_id')).toMatch(/^vid\d+$/);
    s.controller.abort(new Error('stop'));
    await running;
  });

  it('maps a plan-limit failure (40119) to a non-retryable quota_exceeded with the provider detail', async () => {
    fx.scenario.mode = 'fail';
    const s = setup();
    const error = await failure(s.run(), s.clock);
    expect(error.category).toBe('quota_exceeded');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('40119');
    expect(error.message).toContain('upgrade your plan');
  });

  it.each([
    [
      401,
      { error: { code: 'authentication_failed', message: 'Unauthorized' }, data: null },
      {},
      'authentication',
      false,
    ],
    [
      429,
      { error: { code: 'rate_limit_exceeded', message: 'Too many requests' }, data: null },
      { 'retry-after': '3' },
      'rate_limit',
      true,
    ],
    [500, { error: { code: 'internal_error', message: 'boom' }, data: null }, {}, 'api_failure', true],
    [503, '<html>unavailable</html>', {}, 'provider_overload', true],
  ])('HTTP %i on generate → %s', async (status, body, headers, category, retryable) => {
    fx.failures.push({ method: 'POST', path: '/v2/video/generate', status, body, headers });
    const s = setup();
    const error = await failure(s.run(), s.clock);
    expect(error.category).toBe(category);
    expect(error.retryable).toBe(retryable);
    if (status === 401) expect(error.message).toContain('HEYGEN_API_KEY');
    if (status === 429) expect(error.retryAfterMs).toBe(3000);
    expect(JSON.stringify({ m: error.message, d: error.details })).not.toContain(fx.apiKey);
  });

  it('on abort of a stalled render deletes the remote video (the only documented way to stop it)', async () => {
    fx.scenario.mode = 'stall';
    const s = setup();
    const running = s.run().catch((e: unknown) => e);
    for (let i = 0; i < 4; i += 1) {
      await waitFor(() => s.clock.pending() > 0);
      await s.clock.advance(2000);
    }
    await waitFor(() => fx.count('GET', '/v1/video_status.get') === 4);
    s.controller.abort(new Error('user canceled'));
    const error = (await running) as ReelayError;
    expect(error.code).toBe('REELAY_ERR_CANCELED');
    expect(fx.deleted).toEqual([error.details.jobId]);
  });

  it('with deleteOnAbort false leaves the remote video and says so', async () => {
    fx.scenario.mode = 'stall';
    const s = setup({ deleteOnAbort: false });
    const running = s.run().catch((e: unknown) => e);
    await waitFor(() => s.clock.pending() > 0);
    s.controller.abort(new Error('user canceled'));
    const error = (await running) as ReelayError;
    expect(error.details.remoteCancel).toBe('unsupported');
    expect(error.message).toContain('may still finish');
    expect(fx.deleted).toEqual([]);
  });

  it('health: remaining quota; zero quota and a bad key are unhealthy', async () => {
    const s = setup();
    expect(await s.provider.healthCheck(new AbortController().signal)).toMatchObject({ healthy: true });
    fx.scenario.remainingQuota = 0;
    expect(await s.provider.healthCheck(new AbortController().signal)).toMatchObject({ healthy: false });
    const bad = new HeyGenProvider({
      apiKey: 'hg_wrong_0123456789abcdef',
      avatarId: 'a',
      voiceId: 'v',
      baseUrl: fx.url,
    });
    const report = await bad.healthCheck(new AbortController().signal);
    expect(report.healthy).toBe(false);
    expect(report.message).not.toContain('hg_wrong_0123456789abcdef');
  });
});
