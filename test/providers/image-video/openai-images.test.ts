import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReelayError } from '../../../src/domain/errors.js';
import type { Heartbeat } from '../../../src/domain/heartbeat.js';
import type { ImageRequest } from '../../../src/domain/provider.js';
import {
  OpenAiImagesProvider,
  openAiImageSize,
} from '../../../src/providers/image/openai-images-provider.js';
import { waitFor } from '../../fixtures/image-video/manual-clock.js';
import { pngSize } from '../../fixtures/image-video/media-assets.js';
import {
  type OpenAiImagesFixture,
  startOpenAiImagesFixture,
} from '../../fixtures/image-video/openai-images-fixture.js';

let fx: OpenAiImagesFixture;
let dir: string;

beforeAll(async () => {
  fx = await startOpenAiImagesFixture();
  dir = await mkdtemp(join(tmpdir(), 'reelay-oai-img-'));
});
afterAll(() => fx.close());
beforeEach(() => {
  fx.requests.length = 0;
  fx.failures.length = 0;
  fx.scenario.hang = false;
});

function setup(options: { model?: string; apiKey?: string } = {}, prompt = 'a lighthouse at dawn') {
  const provider = new OpenAiImagesProvider({ apiKey: fx.apiKey, baseUrl: `${fx.url}/v1`, ...options });
  const beats: Heartbeat[] = [];
  const controller = new AbortController();
  const request: ImageRequest = {
    prompt,
    title: 'Dawn',
    caption: '',
    width: 1920,
    height: 1080,
    outPath: join(dir, `img-${Math.random().toString(36).slice(2)}.png`),
    sceneIndex: 0,
    sceneCount: 1,
    style: 'watercolor',
  };
  const run = () =>
    provider.renderImage(request, { signal: controller.signal, heartbeat: (b) => beats.push(b) });
  return { provider, beats, controller, request, run };
}

describe('OpenAiImagesProvider against the Images fixture', () => {
  it('maps aspect to each model’s sizes', () => {
    expect(openAiImageSize('gpt-image-1', 1920, 1080)).toBe('1536x1024');
    expect(openAiImageSize('gpt-image-1', 1080, 1920)).toBe('1024x1536');
    expect(openAiImageSize('dall-e-3', 1920, 1080)).toBe('1792x1024');
    expect(openAiImageSize('dall-e-3', 1000, 1100)).toBe('1024x1024');
    expect(openAiImageSize('dall-e-2', 1920, 1080)).toBe('1024x1024');
  });

  it('gpt-image-1: no response_format, base64 PNG written atomically with its real size', async () => {
    const s = setup();
    const result = await s.run();
    const sent = fx.requests[0]?.json as Record<string, unknown>;
    expect(sent).toMatchObject({
      model: 'gpt-image-1',
      size: '1536x1024',
      n: 1,
      prompt: 'a lighthouse at dawn Style: watercolor.',
    });
    expect(sent).not.toHaveProperty('response_format');
    expect(result).toMatchObject({ width: 1536, height: 1024, usage: { images: 1 } });
    expect(pngSize(await readFile(result.path))).toEqual({ width: 1536, height: 1024 });
    expect(s.provider.capabilities.heartbeat).toBe('none');
  });

  it('dall-e-3: asks for b64_json at 1792x1024', async () => {
    const s = setup({ model: 'dall-e-3' });
    const result = await s.run();
    expect(fx.requests[0]?.json).toMatchObject({ response_format: 'b64_json', size: '1792x1024' });
    expect(result.width).toBe(1792);
  });

  it('content_policy_violation → non-retryable quality_failure', async () => {
    const s = setup({}, 'something forbidden');
    const error = (await s.run().catch((e: unknown) => e)) as ReelayError;
    expect(error.category).toBe('quality_failure');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('content_policy_violation');
    await expect(readFile(s.request.outPath)).rejects.toThrow();
  });

  it('401 → authentication naming OPENAI_API_KEY, with the echoed key redacted', async () => {
    const wrong = 'sk-wrong-key-abcdefghijklmnop';
    const s = setup({ apiKey: wrong });
    const error = (await s.run().catch((e: unknown) => e)) as ReelayError;
    expect(error.category).toBe('authentication');
    expect(error.message).toContain('OPENAI_API_KEY');
    expect(JSON.stringify({ m: error.message, d: error.details })).not.toContain(wrong);
  });

  it.each([
    [
      429,
      { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
      { 'retry-after': '20' },
      'rate_limit',
      true,
      20_000,
    ],
    [
      429,
      {
        error: {
          message: 'You exceeded your current quota',
          type: 'insufficient_quota',
          code: 'insufficient_quota',
        },
      },
      {},
      'quota_exceeded',
      false,
      undefined,
    ],
    [
      500,
      { error: { message: 'The server had an error', type: 'server_error', code: null } },
      {},
      'api_failure',
      true,
      undefined,
    ],
    [
      503,
      { error: { message: 'The engine is currently overloaded', type: 'server_error', code: null } },
      {},
      'provider_overload',
      true,
      undefined,
    ],
  ])('HTTP %i → %s', async (status, body, headers, category, retryable, retryAfterMs) => {
    fx.failures.push({ path: '/v1/images/generations', status, body, headers });
    const error = (await setup()
      .run()
      .catch((e: unknown) => e)) as ReelayError;
    expect(error.category).toBe(category);
    expect(error.retryable).toBe(retryable);
    expect(error.retryAfterMs).toBe(retryAfterMs);
    expect(error.provider).toBe('OpenAI Images');
  });

  it('abort of the blocking call rejects promptly and writes nothing', async () => {
    fx.scenario.hang = true;
    const s = setup();
    const running = s.run().catch((e: unknown) => e);
    await waitFor(() => fx.count('POST', '/v1/images/generations') === 1);
    s.controller.abort(new Error('user canceled'));
    const error = (await running) as ReelayError;
    expect(error.code).toBe('REELAY_ERR_CANCELED');
    expect(error.message).toContain('may still finish and be billed');
    await expect(readFile(s.request.outPath)).rejects.toThrow();
  });

  it('health: GET /v1/models/{model}; an unknown model is unhealthy', async () => {
    expect(await setup().provider.healthCheck(new AbortController().signal)).toMatchObject({ healthy: true });
    const report = await setup({ model: 'dall-e-9' }).provider.healthCheck(new AbortController().signal);
    expect(report.healthy).toBe(false);
    expect(report.message).toContain('model');
  });
});
