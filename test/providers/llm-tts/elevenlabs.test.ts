import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../../src/domain/logger.js';
import { parseWavHeader } from '../../../src/providers/http/wav-pcm.js';
import { ElevenLabsProvider } from '../../../src/providers/tts/elevenlabs-provider.js';
import {
  createElevenLabsFixture,
  ELEVENLABS_ROUTES,
  elevenLabsErrors,
} from '../../fixtures/llm-tts/elevenlabs-fixture.js';
import { callContext, failure, until } from './helpers.js';

const KEY = 'xi-test-key-0123456789abcdefABCDEF';
const VOICE = '21m00Tcm4TlvDq8ikWAM';
const fx = createElevenLabsFixture({ apiKey: KEY, msPerChar: 50, chunkBytes: 4096 });
const logger = new MemoryLogger();
let dir: string;
const provider = (o: Partial<ConstructorParameters<typeof ElevenLabsProvider>[0]> = {}) =>
  new ElevenLabsProvider({ apiKey: KEY, baseUrl: fx.url, logger, ...o });
const TEXT = 'A'.repeat(40); // 40 chars × 50 ms = 2 s of audio

beforeAll(async () => {
  await fx.start();
  dir = await mkdtemp(join(tmpdir(), 'reelay-eleven-'));
});
afterAll(async () => {
  await fx.stop();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => fx.reset());

describe('ElevenLabsProvider against the ElevenLabs fixture', () => {
  it('streams PCM into a WAV with a chunk heartbeat per chunk, duration from samples, usage in characters', async () => {
    const { beats, call } = callContext();
    const outPath = join(dir, 'scene-1.wav');
    const result = await provider().synthesize({ text: TEXT, outPath }, call);
    expect(result).toEqual({
      path: outPath,
      durationMs: 2000,
      format: 'wav',
      usage: { characters: 40, seconds: 2, requests: 1 },
    });
    const pcmBytes = 22050 * 2 * 2;
    // One heartbeat per chunk *received* (TCP may coalesce the server's 4 KiB writes), counting up.
    expect(beats.length).toBeGreaterThan(0);
    expect(beats).toEqual(beats.map((_, i) => ({ chunks: i + 1 })));
    const wav = await readFile(outPath);
    expect(wav.byteLength).toBe(44 + pcmBytes);
    expect(parseWavHeader(wav)).toMatchObject({
      sampleRate: 22050,
      channels: 1,
      bitsPerSample: 16,
      durationMs: 2000,
    });
    const req = fx.requests[0];
    expect(req?.path).toBe(`/v1/text-to-speech/${VOICE}/stream`);
    expect(req?.query).toEqual({ output_format: 'pcm_22050' });
    expect(req?.headers['xi-api-key']).toBe(KEY);
    expect(req?.body).toEqual({ text: TEXT, model_id: 'eleven_multilingual_v2' });
  });

  it('mp3 output is written as is, with the duration from the bitrate', async () => {
    const outPath = join(dir, 'scene.mp3');
    const result = await provider({ outputFormat: 'mp3_44100_128' }).synthesize(
      { text: TEXT, outPath },
      callContext().call,
    );
    expect(result.format).toBe('mp3');
    expect(result.durationMs).toBe(2000);
  });

  it.each([
    [
      '401 invalid key',
      elevenLabsErrors.unauthorized,
      'authentication',
      false,
      /Invalid API key for ElevenLabs.*ELEVENLABS_API_KEY/,
    ],
    [
      '401 quota_exceeded',
      elevenLabsErrors.quota,
      'quota_exceeded',
      false,
      /quota is used up.*12 credits remaining/,
    ],
    [
      '404 voice_not_found',
      elevenLabsErrors.voiceNotFound(VOICE),
      'api_failure',
      false,
      /has no voice "21m00Tcm4TlvDq8ikWAM"/,
    ],
    ['429 concurrency', elevenLabsErrors.tooManyRequests, 'rate_limit', true, /ElevenLabs/],
    ['429 system busy', elevenLabsErrors.busy, 'rate_limit', true, /ElevenLabs/],
    ['500', elevenLabsErrors.serverError, 'api_failure', true, /server error/],
    ['503 plain text', elevenLabsErrors.unavailable, 'provider_overload', true, /overloaded/],
  ])('%s → %s (retryable %s)', async (_n, scenario, category, retryable, message) => {
    fx.set(ELEVENLABS_ROUTES.stream, scenario);
    const outPath = join(dir, 'err.wav');
    const err = await failure(provider().synthesize({ text: TEXT, outPath }, callContext().call));
    expect(err).toMatchObject({ category, retryable, provider: 'ElevenLabs' });
    expect(err.message).toMatch(message);
    expect((await readdir(dir)).some((f) => f.includes('err'))).toBe(false);
  });

  it('Retry-After of a 429 is parsed', async () => {
    fx.set(ELEVENLABS_ROUTES.stream, elevenLabsErrors.tooManyRequests);
    const err = await failure(
      provider().synthesize({ text: TEXT, outPath: join(dir, 'x.wav') }, callContext().call),
    );
    expect(err.retryAfterMs).toBe(3000);
  });

  it('an unknown voice is rejected by the server itself, and the key never leaks into errors or logs', async () => {
    logger.records.length = 0;
    const err = await failure(
      provider().synthesize({ text: TEXT, voice: 'nope', outPath: join(dir, 'v.wav') }, callContext().call),
    );
    expect(err.details.providerCode).toBe('voice_not_found');
    const wrong = await failure(
      provider({ apiKey: 'xi-wrong-key-99999999999999999' }).synthesize(
        { text: TEXT, outPath: join(dir, 'k.wav') },
        callContext().call,
      ),
    );
    expect(wrong.category).toBe('authentication');
    const all = JSON.stringify({ a: err.toJSON(), b: wrong.toJSON(), logs: logger.records });
    expect(all).not.toContain(KEY);
    expect(all).not.toContain('xi-wrong-key-99999999999999999');
  });

  it('a reset mid-stream is a network_error and leaves no partial file', async () => {
    // Reset only once the client has taken frames in: a reset that reaches the kernel before the
    // client read the data discards that data, so a fixed delay is a race on a loaded machine.
    fx.set(ELEVENLABS_ROUTES.stream, { kind: 'manual' });
    const { beats, call } = callContext();
    const pending = failure(provider().synthesize({ text: TEXT, outPath: join(dir, 'reset.wav') }, call));
    const stream = await fx.manual();
    for (let i = 0; i < 3; i += 1) stream.next();
    await until(() => beats.length >= 1);
    stream.reset();
    const err = await pending;
    expect(err).toMatchObject({ category: 'network_error', retryable: true });
    expect(beats.length).toBeGreaterThan(0);
    expect((await readdir(dir)).some((f) => f.includes('reset'))).toBe(false);
  });

  it('abort mid-stream reaches the server (socket closed) and leaves no file', async () => {
    fx.set(ELEVENLABS_ROUTES.stream, { kind: 'stall', afterFrames: 2 });
    const ac = new AbortController();
    const { beats, call } = callContext(ac.signal);
    const pending = failure(provider().synthesize({ text: TEXT, outPath: join(dir, 'abort.wav') }, call));
    await until(() => beats.length >= 1);
    ac.abort();
    expect((await pending).category).toBe('timeout');
    await fx.requests[0]?.closedEarly;
    expect(fx.requests[0]?.clientClosedEarly).toBe(true);
    expect((await readdir(dir)).some((f) => f.includes('abort'))).toBe(false);
  });

  it('health: characters left; exhausted quota unhealthy; bad key unhealthy', async () => {
    const signal = new AbortController().signal;
    expect(await provider().healthCheck(signal)).toMatchObject({
      healthy: true,
      message: '9000 of 10000 characters left (creator tier)',
    });
    const spent = createElevenLabsFixture({ apiKey: KEY, characters: [10000, 10000] });
    await spent.start();
    try {
      const report = await provider({ baseUrl: spent.url }).healthCheck(signal);
      expect(report).toMatchObject({ healthy: false });
      expect(report.message).toMatch(/quota is used up/);
    } finally {
      await spent.stop();
    }
    const bad = await provider({ apiKey: 'xi-bad-key-000000000000000' }).healthCheck(signal);
    expect(bad.healthy).toBe(false);
    expect(bad.message).toMatch(/Invalid API key for ElevenLabs/);
  });

  it('rejects an unsupported output format at construction', () => {
    expect(() => provider({ outputFormat: 'ulaw_8000' })).toThrow(/not supported/);
  });
});
