import { describe, expect, it } from 'vitest';
import type { ProviderSettings } from '../../config/provider-settings-schema.js';
import { createNetworkedProviders, NETWORKED_FACTORIES } from './create-networked-providers.js';
import { LLM_TTS_FACTORIES } from './llm-tts-factories.js';

const on = (extra: Partial<ProviderSettings> = {}): ProviderSettings => ({ enabled: true, ...extra });

describe('createNetworkedProviders', () => {
  it('creates keyed providers that have their key, skips the rest with a reason', () => {
    const { providers, skipped } = createNetworkedProviders(
      { providers: {}, secrets: { OPENAI_API_KEY: 'sk-test-abcdefghijklmnop' } },
      {},
      LLM_TTS_FACTORIES,
    );
    expect(providers.map((p) => p.id)).toEqual(['openai', 'openai-speech']);
    expect(skipped).toEqual(
      expect.arrayContaining([
        { id: 'ollama', skipped: 'not configured (add "providers": { "ollama": {} } to enable it)' },
        { id: 'elevenlabs', skipped: 'no API key: set ELEVENLABS_API_KEY to enable it' },
      ]),
    );
  });

  it('applies settings (baseUrl, model, voice, priority, custom key variable) and honours enabled: false', () => {
    const { providers, skipped } = createNetworkedProviders({
      providers: {
        ollama: on({ baseUrl: 'http://gpu-box:11434', model: 'qwen2.5:7b', priority: 1 }),
        elevenlabs: on({ voice: 'voice-x', apiKeyEnv: 'MY_XI_KEY' }),
        openai: on({ enabled: false }),
        espeak: on(),
      },
      secrets: { MY_XI_KEY: 'xi-secret-key-1234567890', OPENAI_API_KEY: 'sk-x-abcdefghijklmnopq' },
    });
    const byId = new Map(providers.map((p) => [p.id, p]));
    expect(byId.get('ollama')).toMatchObject({
      baseUrl: 'http://gpu-box:11434',
      model: 'qwen2.5:7b',
      priority: 1,
    });
    expect(byId.get('elevenlabs')).toMatchObject({ voiceId: 'voice-x' });
    expect(byId.has('openai')).toBe(false);
    expect(skipped).toContainEqual({ id: 'openai', skipped: 'disabled in the configuration' });
    expect(skipped.find((s) => s.id === 'espeak')?.skipped).toMatch(/not a networked provider/);
  });

  it('never puts a key into a skip reason', () => {
    const { skipped } = createNetworkedProviders({
      providers: {},
      secrets: { OPENAI_API_KEY: 'sk-hidden-1234567890abc' },
    });
    expect(JSON.stringify(skipped)).not.toContain('sk-hidden');
  });

  it('exposes the registry with the four LLM/TTS ids (image/video ids are added by their own file)', () => {
    expect(Object.keys(NETWORKED_FACTORIES)).toEqual(
      expect.arrayContaining(['openai', 'ollama', 'elevenlabs', 'openai-speech']),
    );
  });
});
