import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReelayError } from '../domain/errors.js';
import { MemoryLogger } from '../domain/logger.js';
import { DEFAULT_TIMEOUT_PROFILES } from './timeout-profile-defaults.js';
import { ProviderTimeoutProfileLoader } from './timeout-profile-loader.js';

const shippedPath = resolve(import.meta.dirname, '../../config/timeout-profiles.json');

function tempFile(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'reelay-profiles-')), 'profiles.json');
  writeFileSync(path, content);
  return path;
}

function loadError(content: string): ReelayError {
  const loader = new ProviderTimeoutProfileLoader({ path: tempFile(content) });
  try {
    loader.load();
  } catch (error) {
    if (ReelayError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected load() to throw');
}

describe('ProviderTimeoutProfileLoader', () => {
  it('ships a file identical to the built-in defaults and loads it by default', () => {
    expect(JSON.parse(readFileSync(shippedPath, 'utf8'))).toEqual(DEFAULT_TIMEOUT_PROFILES);
    const loader = new ProviderTimeoutProfileLoader();
    expect(loader.load()).toEqual(DEFAULT_TIMEOUT_PROFILES);
  });

  it('holds every value of docs/timeout-profiles.md', () => {
    const c = DEFAULT_TIMEOUT_PROFILES;
    expect(c.providerTypes.local_llm).toMatchObject({
      normalMs: 30000,
      extendedMs: 180000,
      deepWaitMs: 300000,
    });
    expect(c.providerTypes.video_render).toMatchObject({ deepWaitMs: 1800000, heartbeatIntervalMs: 30000 });
    expect(c.providerTypes.fallback_provider).toMatchObject({ normalMs: 5000, stallMultiplier: 5 });
    expect(c.patienceProfiles.longForm).toEqual({
      label: 'Long-Form (Maximum Patience)',
      timeoutMultiplier: 2,
      stallMultiplier: 1.5,
    });
    expect(c.stallDialogOptions.continue_5m.extensionMs).toBe(300000);
    expect(c.stallDialogOptions.cancel_job).toMatchObject({
      requiresConfirmation: true,
      offersPartialArtifacts: true,
    });
    expect(c.uiStates.stallSuspected).toMatchObject({ color: '#cc0000', showFallbackButton: true });
    expect(c.checkIntervalMs).toBe(5000);
  });

  it('uses the shipped defaults when the file is missing, and says so at info', () => {
    const logger = new MemoryLogger();
    const loader = new ProviderTimeoutProfileLoader({ path: '/nonexistent/profiles.json', logger });
    expect(loader.load()).toBe(DEFAULT_TIMEOUT_PROFILES);
    expect(logger.records).toContainEqual(
      expect.objectContaining({ level: 'info', tag: 'TIMEOUT_PROFILES_DEFAULTS' }),
    );
  });

  it('rejects invalid JSON naming the file', () => {
    const error = loadError('{ "version": 1,');
    expect(error.code).toBe('REELAY_ERR_PROFILE_INVALID');
    expect(error.message).toMatch(/profiles\.json is not valid JSON/);
  });

  it('rejects a schema violation naming the file, the field path and the expectation', () => {
    const bad = structuredClone(DEFAULT_TIMEOUT_PROFILES) as unknown as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    bad.providerTypes!.cloud_llm!.normalMs = 'fast';
    const error = loadError(JSON.stringify(bad));
    expect(error.code).toBe('REELAY_ERR_PROFILE_INVALID');
    expect(error.message).toContain('profiles.json');
    expect(error.message).toContain('providerTypes.cloud_llm.normalMs');
    expect(error.message).toContain('expected normalMs as a positive number of milliseconds');
  });

  it('rejects thresholds out of order and unknown provider types in the mapping', () => {
    const bad = structuredClone(DEFAULT_TIMEOUT_PROFILES) as unknown as Record<
      string,
      Record<string, unknown>
    >;
    (bad.providerTypes!.tts as Record<string, number>).extendedMs = 1000;
    bad.providerMapping!.Foo = 'quantum';
    const error = loadError(JSON.stringify(bad));
    expect(error.message).toContain(
      'providerTypes.tts.extendedMs: expected extendedMs greater than normalMs (45000)',
    );
    expect(error.message).toContain('providerMapping.Foo: expected one of local_llm');
  });

  it('rejects unknown keys (typos are never silently ignored)', () => {
    const bad = { ...DEFAULT_TIMEOUT_PROFILES, checkIntervalMS: 100 };
    expect(loadError(JSON.stringify(bad)).message).toContain('checkIntervalMS');
  });

  it('resolves providers by exact mapping, case-insensitive mapping, heuristics, then local_llm', () => {
    const loader = new ProviderTimeoutProfileLoader({ config: DEFAULT_TIMEOUT_PROFILES });
    const cases: Array<[string, string]> = [
      ['Ollama', 'local_llm'],
      ['openai', 'cloud_llm'],
      ['RuleBased', 'fallback_provider'],
      ['my-llama-server', 'local_llm'],
      ['gpt-4o', 'cloud_llm'],
      ['Claude', 'cloud_llm'],
      ['espeak-ng', 'tts'],
      ['SuperVoice', 'tts'],
      ['dall-e-3', 'image_gen'],
      ['heygen', 'video_render'],
      ['Runway ML', 'video_render'],
      ['template-writer', 'fallback_provider'],
      ['mystery', 'local_llm'],
    ];
    for (const [name, type] of cases)
      expect([name, loader.getProfileForProvider(name).providerType]).toEqual([name, type]);
  });

  it('applies patience profiles without truncating the stall multiplier', () => {
    const loader = new ProviderTimeoutProfileLoader({ config: DEFAULT_TIMEOUT_PROFILES });
    expect(loader.getProfileForProvider('Ollama', 'conservative')).toEqual({
      providerType: 'local_llm',
      patienceProfile: 'conservative',
      normalMs: 21000,
      extendedMs: 126000,
      deepWaitMs: 210000,
      heartbeatIntervalMs: 15000,
      stallMultiplier: 2.4,
      stallThresholdMs: 36000,
    });
    expect(loader.getProfileForType('cloud_llm', 'longForm')).toMatchObject({
      normalMs: 30000,
      extendedMs: 120000,
      deepWaitMs: 240000,
      heartbeatIntervalMs: 5000,
      stallMultiplier: 6,
      stallThresholdMs: 30000,
    });
    expect(loader.getProfileForType('tts').stallThresholdMs).toBe(30000);
  });

  it('refuses an unknown patience profile', () => {
    const loader = new ProviderTimeoutProfileLoader({ config: DEFAULT_TIMEOUT_PROFILES });
    expect(() => loader.getProfileForType('tts', 'lazy' as 'balanced')).toThrow(
      /Unknown patience profile "lazy"/,
    );
  });
});
