import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OllamaProvider } from '../../../src/providers/llm/ollama-provider.js';
import { OpenAiChatProvider } from '../../../src/providers/llm/openai-chat-provider.js';
import { ElevenLabsProvider } from '../../../src/providers/tts/elevenlabs-provider.js';
import { estimateCost } from '../../../src/routing/cost-model.js';
import { createElevenLabsFixture } from '../../fixtures/llm-tts/elevenlabs-fixture.js';
import { createOllamaFixture } from '../../fixtures/llm-tts/ollama-fixture.js';
import { createOpenAiFixture } from '../../fixtures/llm-tts/openai-fixture.js';
import { callContext } from './helpers.js';

const KEY = 'sk-test-cost-0123456789abcdefghijk';
const XI = 'xi-test-cost-0123456789abcdefghijk';
const openai = createOpenAiFixture({ apiKey: KEY });
const ollama = createOllamaFixture();
const eleven = createElevenLabsFixture({ apiKey: XI });
let dir: string;
const messages = [{ role: 'user' as const, content: 'Hi' }];

beforeAll(async () => {
  await Promise.all([openai.start(), ollama.start(), eleven.start()]);
  dir = await mkdtemp(join(tmpdir(), 'reelay-cost-'));
});
afterAll(async () => {
  await Promise.all([openai.stop(), ollama.stop(), eleven.stop()]);
  await rm(dir, { recursive: true, force: true });
});

describe('usage reported by the adapters prices correctly with estimateCost', () => {
  it('OpenAI: 12 prompt + 4 completion tokens at gpt-4o-mini prices', async () => {
    const p = new OpenAiChatProvider({ apiKey: KEY, baseUrl: `${openai.url}/v1` });
    const { usage } = await p.chat({ messages }, callContext().call);
    expect(estimateCost(p.costModel, usage)).toBeCloseTo((12 / 1000) * 0.00015 + (4 / 1000) * 0.0006, 12);
  });

  it('Ollama: free whatever the usage', async () => {
    const p = new OllamaProvider({ baseUrl: ollama.url });
    const { usage } = await p.chat({ messages }, callContext().call);
    expect(usage).toEqual({ inputTokens: 26, outputTokens: 4 });
    expect(estimateCost(p.costModel, usage)).toBe(0);
  });

  it('ElevenLabs: priced per character of the text', async () => {
    const p = new ElevenLabsProvider({ apiKey: XI, baseUrl: eleven.url });
    const { usage } = await p.synthesize(
      { text: 'Twenty characters!!!', outPath: join(dir, 'c.wav') },
      callContext().call,
    );
    expect(estimateCost(p.costModel, usage)).toBeCloseTo(20 * 0.0003, 12);
  });
});
