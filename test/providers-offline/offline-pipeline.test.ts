import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScript, scriptPrompt } from '../../src/pipeline/script-schema.js';
import { createOfflineProviders } from '../../src/providers/offline/index.js';
import { ProviderRegistry } from '../../src/providers/provider-registry.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reelay-offline-it-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ctx = () => ({ signal: new AbortController().signal, heartbeat: () => {} });

describe('createOfflineProviders', () => {
  it('creates the registrable offline providers, narration ranked festival → flite → espeak, all healthy here', async () => {
    const offline = createOfflineProviders({ festival: { healthTimeoutMs: 60_000 } });
    const registry = new ProviderRegistry(offline.all);
    expect(registry.list().map((p) => p.id)).toEqual([
      'template',
      'festival',
      'flite',
      'espeak',
      'captions-only',
      'title-card',
    ]);
    const tts = offline.all.filter((p) => p.kind === 'tts').sort((a, b) => a.priority - b.priority);
    expect(tts.map((p) => p.id)).toEqual(['festival', 'flite', 'espeak', 'captions-only']);
    for (const p of offline.all) {
      expect(p.costModel).toEqual({ unit: 'free', usdPerUnit: 0 });
      expect(p.capabilities.offline).toBe(true);
      const health = await p.healthCheck(new AbortController().signal);
      expect(health.healthy, `${p.id}: ${health.message}`).toBe(true);
    }
    expect(createOfflineProviders({ narration: ['espeak'] }).all.map((p) => p.id)).toEqual([
      'template',
      'espeak',
      'captions-only',
      'title-card',
    ]);
  }, 120_000);

  it('turns a brief into a script, narration and a card for its first scene', async () => {
    const { template, espeak, captionsOnly, titleCard } = createOfflineProviders();
    const brief = 'Explain how rainbows form. Cover sunlight, raindrops and refraction.';
    const chat = await template.chat(
      { messages: scriptPrompt(brief, { durationSeconds: 20, density: 'dense' }) },
      ctx(),
    );
    const script = parseScript(chat.text, { provider: template.displayName });
    const first = script.scenes[0]!;
    const speech = await espeak.synthesize(
      { text: first.narration, outPath: join(dir, 's1.wav'), language: 'English' },
      ctx(),
    );
    const silent = await captionsOnly.synthesize(
      { text: first.narration, outPath: join(dir, 's1-silent.wav') },
      ctx(),
    );
    // espeak's measured length and the captions estimate agree within a factor of two.
    expect(speech.durationMs / silent.durationMs).toBeGreaterThan(0.5);
    expect(speech.durationMs / silent.durationMs).toBeLessThan(2);
    const card = await titleCard.renderImage(
      {
        prompt: first.visual,
        title: first.title,
        caption: first.narration.split('. ')[0] ?? '',
        width: 640,
        height: 360,
        outPath: join(dir, 's1.png'),
        sceneIndex: 0,
        sceneCount: script.scenes.length,
      },
      ctx(),
    );
    expect((await readFile(card.path)).readUInt32BE(16)).toBe(640);
  });
});
