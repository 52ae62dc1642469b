import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReelayError } from '../../../src/domain/errors.js';
import type { Heartbeat } from '../../../src/domain/heartbeat.js';
import type { ImageRequest } from '../../../src/domain/provider.js';
import {
  roundToMultipleOf8,
  StableDiffusionProvider,
} from '../../../src/providers/image/stable-diffusion-provider.js';
import { driveUntilSettled, ManualClock, waitFor } from '../../fixtures/image-video/manual-clock.js';
import { pngSize } from '../../fixtures/image-video/media-assets.js';
import {
  type StableDiffusionFixture,
  startStableDiffusionFixture,
} from '../../fixtures/image-video/stable-diffusion-fixture.js';

let fx: StableDiffusionFixture;
let dir: string;

beforeAll(async () => {
  fx = await startStableDiffusionFixture();
  dir = await mkdtemp(join(tmpdir(), 'reelay-sd-'));
});
afterAll(() => fx.close());
beforeEach(() => {
  fx.requests.length = 0;
  fx.failures.length = 0;
  fx.scenario.mode = 'success';
});

function setup(options: { model?: string } = {}) {
  const clock = new ManualClock();
  const provider = new StableDiffusionProvider({ baseUrl: fx.url, clock, steps: 20, ...options });
  const beats: Heartbeat[] = [];
  const controller = new AbortController();
  const request: ImageRequest = {
    prompt: 'a lighthouse at dawn',
    title: 'Dawn',
    caption: '',
    width: 1918,
    height: 1083,
    outPath: join(dir, `scene-${Math.random().toString(36).slice(2)}.png`),
    sceneIndex: 0,
    sceneCount: 3,
    style: 'watercolor',
    seed: 42,
  };
  const run = () =>
    provider.renderImage(request, { signal: controller.signal, heartbeat: (b) => beats.push(b) });
  return { clock, provider, beats, controller, request, run };
}

describe('StableDiffusionProvider against the WebUI fixture', () => {
  it('rounds the size to multiples of 8', () => {
    expect([roundToMultipleOf8(1918), roundToMultipleOf8(1083), roundToMultipleOf8(10)]).toEqual([
      1920, 1080, 64,
    ]);
  });

  it('sends txt2img, writes the real PNG atomically and reports its IHDR size', async () => {
    const s = setup({ model: 'sd_xl_base_1.0.safetensors [31e35c80fc]' });
    const result = await driveUntilSettled(s.clock, s.run(), 1000);
    const sent = fx.requests.find((r) => r.path === '/sdapi/v1/txt2img')?.json;
    expect(sent).toMatchObject({
      prompt: 'a lighthouse at dawn, watercolor style',
      width: 1920,
      height: 1080,
      steps: 20,
      sampler_name: 'Euler a',
      seed: 42,
      override_settings: { sd_model_checkpoint: 'sd_xl_base_1.0.safetensors [31e35c80fc]' },
    });
    expect(result).toMatchObject({ width: 1920, height: 1080, usage: { images: 1 } });
    expect(pngSize(await readFile(result.path))).toEqual({ width: 1920, height: 1080 });
    expect((await readdir(dir)).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('polls /progress on the clock (999 ms → none, 1000 ms → one) and pushes rising percents', async () => {
    const s = setup();
    const running = s.run();
    await waitFor(() => fx.count('POST', '/sdapi/v1/txt2img') === 1 && s.clock.pending() > 0);
    await s.clock.advance(999);
    expect(fx.count('GET', '/sdapi/v1/progress')).toBe(0);
    await s.clock.advance(1);
    await waitFor(() => fx.count('GET', '/sdapi/v1/progress') === 1);
    expect(fx.requests.at(-1)?.query.get('skip_current_image')).toBe('true');
    await driveUntilSettled(s.clock, running, 1000);
    expect(s.beats.filter((b) => b.percent !== undefined).map((b) => b.percent)).toEqual([
      25, 50, 75, 99, 100,
    ]);
    expect(s.beats[0]?.message).toContain('step 5/20');
  });

  it('on abort of a stalled render interrupts the WebUI and rejects as canceled', async () => {
    fx.scenario.mode = 'stall';
    const s = setup();
    const running = s.run().catch((e: unknown) => e);
    for (let i = 0; i < 3; i += 1) {
      await waitFor(() => s.clock.pending() > 0);
      await s.clock.advance(1000);
    }
    await waitFor(() => fx.count('GET', '/sdapi/v1/progress') === 3);
    expect(s.beats.filter((b) => b.percent !== undefined).map((b) => b.percent)).toEqual([10]);
    const before = fx.interrupts;
    s.controller.abort(new Error('user canceled'));
    const error = (await running) as ReelayError;
    expect(fx.interrupts).toBe(before + 1);
    expect(error.code).toBe('REELAY_ERR_CANCELED');
    expect(error.details.remoteCancel).toBe('canceled');
  });

  it('maps the FastAPI 500 body (CUDA out of memory) to a retryable api_failure quoting it', async () => {
    fx.scenario.mode = 'error';
    const s = setup();
    const error = (await driveUntilSettled(s.clock, s.run(), 1000).catch((e: unknown) => e)) as ReelayError;
    expect(error.category).toBe('api_failure');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('CUDA out of memory');
  });

  it('maps a 422 validation body to a non-retryable processing_error naming the field', async () => {
    fx.failures.push({
      path: '/sdapi/v1/txt2img',
      status: 422,
      body: {
        detail: [{ loc: ['body', 'width'], msg: 'value is not a valid integer', type: 'type_error.integer' }],
      },
    });
    const s = setup();
    const error = (await driveUntilSettled(s.clock, s.run(), 1000).catch((e: unknown) => e)) as ReelayError;
    expect(error.category).toBe('processing_error');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('body.width');
  });

  it('rejects an answer whose image is not a PNG as a quality_failure and writes nothing', async () => {
    fx.failures.push({
      path: '/sdapi/v1/txt2img',
      status: 200,
      body: { images: ['bm90IGEgcG5n'], info: '{}' },
    });
    const s = setup();
    const error = (await driveUntilSettled(s.clock, s.run(), 1000).catch((e: unknown) => e)) as ReelayError;
    expect(error.category).toBe('quality_failure');
    await expect(readFile(s.request.outPath)).rejects.toThrow();
  });

  it('health: lists checkpoints; a closed port is unhealthy with a message naming the URL', async () => {
    const s = setup();
    const ok = await s.provider.healthCheck(new AbortController().signal);
    expect(ok).toMatchObject({ healthy: true, message: '2 Stable Diffusion checkpoints available' });
    const down = new StableDiffusionProvider({ baseUrl: 'http://127.0.0.1:9' });
    const report = await down.healthCheck(new AbortController().signal);
    expect(report.healthy).toBe(false);
    expect(report.message).toMatch(/not reachable|connection/i);
  });

  it('declares itself offline with percent heartbeats and no cost', () => {
    const sd = new StableDiffusionProvider();
    expect(sd).toMatchObject({ profileType: 'image_gen', costModel: { unit: 'free' }, priority: 3 });
    expect(sd.capabilities).toMatchObject({ heartbeat: 'percentage', offline: true });
  });
});
