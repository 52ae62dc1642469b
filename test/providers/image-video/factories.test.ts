import { describe, expect, it } from 'vitest';
import type { ReelayError } from '../../../src/domain/errors.js';
import { createNetworkedProviders } from '../../../src/providers/networked/create-networked-providers.js';
import { IMAGE_VIDEO_FACTORIES } from '../../../src/providers/networked/image-video-factories.js';
import { HeyGenProvider } from '../../../src/providers/video/heygen-provider.js';

const ids = (list: { id: string }[]): string[] => list.map((p) => p.id).sort();

describe('image and video factories', () => {
  it('create heygen, runway and openai-images from their keys; stable-diffusion only when configured', () => {
    const { providers, skipped } = createNetworkedProviders(
      {
        providers: {},
        secrets: {
          OPENAI_API_KEY: 'sk-a-0123456789',
          HEYGEN_API_KEY: 'hg-0123456789',
          RUNWAYML_API_SECRET: 'rw-0123456789',
        },
      },
      {},
      IMAGE_VIDEO_FACTORIES,
    );
    expect(ids(providers)).toEqual(['heygen', 'openai-images', 'runway']);
    expect(skipped.find((s) => s.id === 'stable-diffusion')?.skipped).toContain('not configured');
  });

  it('skip providers without keys, naming the variable', () => {
    const { providers, skipped } = createNetworkedProviders(
      { providers: {}, secrets: {} },
      {},
      IMAGE_VIDEO_FACTORIES,
    );
    expect(providers).toEqual([]);
    expect(skipped.find((s) => s.id === 'runway')?.skipped).toContain('RUNWAYML_API_SECRET');
    expect(skipped.find((s) => s.id === 'heygen')?.skipped).toContain('HEYGEN_API_KEY');
  });

  it('pass settings through: SD base URL, checkpoint and priority; HeyGen avatar and voice', () => {
    const { providers } = createNetworkedProviders(
      {
        providers: {
          'stable-diffusion': { enabled: true, baseUrl: 'http://gpu:7860', model: 'sdxl', priority: 2 },
          heygen: { enabled: true, model: 'avatar_9', voice: 'voice_9', priority: 4 },
        },
        secrets: { HEYGEN_API_KEY: 'hg-0123456789' },
      },
      {},
      IMAGE_VIDEO_FACTORIES,
    );
    const sd = providers.find((p) => p.id === 'stable-diffusion');
    expect(sd).toMatchObject({ priority: 2, kind: 'image', capabilities: { offline: true } });
    expect(providers.find((p) => p.id === 'heygen')).toMatchObject({ priority: 4, kind: 'video' });
  });

  it('HeyGen without avatar or voice reports a configuration problem instead of calling the API', async () => {
    let called = false;
    const heygen = new HeyGenProvider({
      apiKey: 'hg-0123456789',
      fetch: async () => {
        called = true;
        return new Response('{}');
      },
    });
    const health = await heygen.healthCheck(new AbortController().signal);
    expect(health.healthy).toBe(false);
    expect(health.message).toContain('providers.heygen');
    const error = (await heygen
      .renderVideo(
        {
          scenes: [],
          width: 1280,
          height: 720,
          fps: 30,
          codec: 'h264',
          outPath: '/tmp/x.mp4',
          workDir: '/tmp',
        },
        { signal: new AbortController().signal, heartbeat: () => {} },
      )
      .catch((e: unknown) => e)) as ReelayError;
    expect(error.code).toBe('REELAY_ERR_CONFIG');
    expect(error.retryable).toBe(false);
    expect(called).toBe(false);
  });
});
