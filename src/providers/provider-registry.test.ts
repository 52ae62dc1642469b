import { describe, expect, it } from 'vitest';
import { ReelayError } from '../domain/errors.js';
import type { Provider, TtsProvider } from '../domain/provider.js';
import type { ProviderKind } from '../domain/provider-type.js';
import type { ProviderCatalog } from '../routing/provider-catalog.js';
import { ProviderRegistry } from './provider-registry.js';

function fake(id: string, kind: ProviderKind, displayName = id.toUpperCase()): Provider {
  return {
    id,
    displayName,
    kind,
    profileType: 'tts',
    capabilities: { heartbeat: 'none' },
    priority: 1,
    costModel: { unit: 'free', usdPerUnit: 0 },
    healthCheck: async () => ({ healthy: true, latencyMs: 1, message: 'ok' }),
    synthesize: async () => {
      throw new Error('not used');
    },
  } as unknown as TtsProvider as Provider;
}

function caught(fn: () => unknown): ReelayError {
  try {
    fn();
  } catch (error) {
    if (ReelayError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ReelayError');
}

describe('ProviderRegistry', () => {
  it('registers, gets, finds and lists by kind in registration order', () => {
    const registry = new ProviderRegistry([fake('openai', 'llm'), fake('espeak', 'tts')]);
    registry.register(fake('ollama', 'llm'));
    expect(registry.get('espeak').kind).toBe('tts');
    expect(registry.find('nope')).toBeUndefined();
    expect(registry.list('llm').map((p) => p.id)).toEqual(['openai', 'ollama']);
    expect(registry.list().map((p) => p.id)).toEqual(['openai', 'espeak', 'ollama']);
    expect(registry.size).toBe(3);
    expect(registry.has('ollama')).toBe(true);
  });

  it('refuses a duplicate id with REELAY_ERR_CONFIG', () => {
    const registry = new ProviderRegistry([fake('openai', 'llm')]);
    const err = caught(() => registry.register(fake('openai', 'llm', 'OpenAI 2')));
    expect(err.code).toBe('REELAY_ERR_CONFIG');
    expect(err.message).toContain('"openai"');
    expect(registry.list()).toHaveLength(1);
  });

  it('get of an unknown id lists the known ids of that kind', () => {
    const registry = new ProviderRegistry([
      fake('openai', 'llm'),
      fake('ollama', 'llm'),
      fake('espeak', 'tts'),
    ]);
    const err = caught(() => registry.get('gpt', 'llm'));
    expect(err.code).toBe('REELAY_ERR_PROVIDER_UNKNOWN');
    expect(err.status).toBe(400);
    expect(err.message).toContain('openai, ollama');
    expect(err.message).not.toContain('espeak');
    expect(err.details.known).toEqual(['openai', 'ollama']);
  });

  it('get with the wrong kind is unknown for that kind', () => {
    const registry = new ProviderRegistry([fake('openai', 'llm'), fake('espeak', 'tts')]);
    const err = caught(() => registry.get('openai', 'tts'));
    expect(err.code).toBe('REELAY_ERR_PROVIDER_UNKNOWN');
    expect(err.details.known).toEqual(['espeak']);
    expect(caught(() => new ProviderRegistry().get('x')).message).toContain('(none registered)');
  });

  it('byDisplayName ignores case and falls back to the id', () => {
    const registry = new ProviderRegistry([fake('elevenlabs', 'tts', 'ElevenLabs')]);
    expect(registry.byDisplayName('ELEVENLABS')?.id).toBe('elevenlabs');
    expect(registry.byDisplayName(' elevenLabs ')?.id).toBe('elevenlabs');
    expect(registry.byDisplayName('PlayHT')).toBeUndefined();
  });

  it('satisfies the routing layer ProviderCatalog structurally', () => {
    const catalog: ProviderCatalog = new ProviderRegistry([fake('openai', 'llm'), fake('espeak', 'tts')]);
    expect(catalog.list('tts').map((p) => p.id)).toEqual(['espeak']);
    expect(catalog.find('openai')?.kind).toBe('llm');
  });
});
