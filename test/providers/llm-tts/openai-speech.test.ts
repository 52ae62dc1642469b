import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpenAiSpeechProvider } from '../../../src/providers/tts/openai-speech-provider.js';
import { createOpenAiFixture, OPENAI_ROUTES, openAiErrors } from '../../fixtures/llm-tts/openai-fixture.js';
import { callContext, failure, until } from './helpers.js';

const KEY = 'sk-test-speech-0123456789abcdefghij';
const fx = createOpenAiFixture({ apiKey: KEY, speechMs: 1500 });
let dir: string;
const provider = (o: ConstructorParameters<typeof OpenAiSpeechProvider>[0] = {}) =>
  new OpenAiSpeechProvider({ apiKey: KEY, baseUrl: `${fx.url}/v1`, ...o });

beforeAll(async () => {
  await fx.start();
  dir = await mkdtemp(join(tmpdir(), 'reelay-speech-'));
});
afterAll(async () => {
  await fx.stop();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => fx.reset());

describe('OpenAiSpeechProvider against the OpenAI fixture', () => {
  it('streams WAV to the file with chunk heartbeats; duration from the header bounded by the bytes present', async () => {
    const { beats, call } = callContext();
    const outPath = join(dir, 'hello.wav');
    const result = await provider({ voice: 'nova' }).synthesize({ text: 'Hello there', outPath }, call);
    expect(result).toEqual({
      path: outPath,
      durationMs: 1500,
      format: 'wav',
      usage: { characters: 11, seconds: 1.5, requests: 1 },
    });
    expect(beats.length).toBeGreaterThan(0);
    expect(beats).toEqual(beats.map((_, i) => ({ chunks: i + 1 })));
    expect(fx.requests[0]?.body).toEqual({
      model: 'tts-1',
      input: 'Hello there',
      voice: 'nova',
      response_format: 'wav',
    });
    expect(fx.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it.each([
    ['401', openAiErrors.unauthorized(KEY), 'authentication', false],
    ['429 rate limit', openAiErrors.rateLimited, 'rate_limit', true],
    ['500', openAiErrors.serverError, 'api_failure', true],
    ['503', openAiErrors.overloaded, 'provider_overload', true],
  ])('%s → %s', async (_n, scenario, category, retryable) => {
    fx.set(OPENAI_ROUTES.speech, scenario);
    const err = await failure(
      provider().synthesize({ text: 'x', outPath: join(dir, 'e.wav') }, callContext().call),
    );
    expect(err).toMatchObject({ category, retryable, provider: 'OpenAI Speech' });
    expect(err.message).not.toContain(KEY);
  });

  it('refuses text over 4096 characters before calling, as a processing_error', async () => {
    const err = await failure(
      provider().synthesize({ text: 'a'.repeat(4097), outPath: join(dir, 'l.wav') }, callContext().call),
    );
    expect(err).toMatchObject({ category: 'processing_error', retryable: false });
    expect(fx.requests).toHaveLength(0);
  });

  it('abort mid-stream closes the socket and leaves no file', async () => {
    fx.set(OPENAI_ROUTES.speech, { kind: 'stall', afterFrames: 1 });
    const ac = new AbortController();
    const { beats, call } = callContext(ac.signal);
    const pending = failure(provider().synthesize({ text: 'x', outPath: join(dir, 'abort.wav') }, call));
    await until(() => beats.length >= 1);
    ac.abort();
    expect((await pending).category).toBe('timeout');
    await fx.requests[0]?.closedEarly;
    expect((await readdir(dir)).some((f) => f.includes('abort'))).toBe(false);
  });

  it('health: key accepted / rejected', async () => {
    const signal = new AbortController().signal;
    expect((await provider().healthCheck(signal)).healthy).toBe(true);
    const bad = await provider({ apiKey: 'sk-nope-000000000000000000000' }).healthCheck(signal);
    expect(bad).toMatchObject({ healthy: false });
    expect(bad.message).toMatch(/Invalid API key for OpenAI Speech/);
  });
});
