import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Heartbeat } from '../../src/domain/heartbeat.js';
import { EspeakProvider } from '../../src/providers/tts/espeak.js';
import { parseWav } from '../../src/providers/tts/wav.js';
import { ctx, rms } from './offline-test-kit.js';

let dir: string;
let temp: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reelay-espeak-it-'));
  temp = await mkdtemp(join(tmpdir(), 'reelay-espeak-tmp-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(temp, { recursive: true, force: true });
});

const TEXT = 'Hello there. This is a short test of offline narration with espeak.';

describe('EspeakProvider (real espeak-ng)', () => {
  it('is healthy and reports its version', async () => {
    const health = await new EspeakProvider().healthCheck(new AbortController().signal);
    expect(health.healthy).toBe(true);
    expect(health.message).toMatch(/^espeak-ng \d+\.\d+/);
  });

  it('reports a missing binary as unhealthy with the install command', async () => {
    const health = await new EspeakProvider({ binary: 'espeak-ng-missing-xyz' }).healthCheck(
      new AbortController().signal,
    );
    expect(health).toMatchObject({
      healthy: false,
      message: 'espeak-ng is not installed: apt-get install espeak-ng',
    });
    await expect(
      new EspeakProvider({ binary: 'espeak-ng-missing-xyz' }).synthesize(
        { text: 'hi', outPath: join(dir, 'x.wav') },
        ctx(),
      ),
    ).rejects.toMatchObject({ code: 'REELAY_ERR_PROVIDER', category: 'system_error', provider: 'espeak' });
  });

  it('writes a valid, non-silent WAV whose duration fits the text', async () => {
    const outPath = join(dir, 'hello.wav');
    const r = await new EspeakProvider().synthesize({ text: TEXT, outPath, wordsPerMinute: 150 }, ctx());
    const bytes = await readFile(outPath);
    const info = parseWav(bytes);
    expect(info).toMatchObject({ audioFormat: 1, channels: 1, bitsPerSample: 16 });
    expect(r).toMatchObject({ path: outPath, format: 'wav', durationMs: info.durationMs });
    expect(r.usage.characters).toBe(TEXT.length);
    // 12 words at 150 wpm ≈ 4.8 s; espeak adds pauses and runs a little fast.
    expect(r.durationMs).toBeGreaterThan(2500);
    expect(r.durationMs).toBeLessThan(9000);
    expect(rms(bytes)).toBeGreaterThan(300);
  });

  it('speaks faster at a higher words-per-minute', async () => {
    const p = new EspeakProvider();
    const slow = await p.synthesize(
      { text: TEXT, outPath: join(dir, 'slow.wav'), wordsPerMinute: 100 },
      ctx(),
    );
    const fast = await p.synthesize(
      { text: TEXT, outPath: join(dir, 'fast.wav'), wordsPerMinute: 250 },
      ctx(),
    );
    expect(fast.durationMs).toBeLessThan(slow.durationMs * 0.7);
  });

  it('speaks long text in sentence chunks, one rising heartbeat per chunk, joined into one file', async () => {
    const beats: Heartbeat[] = [];
    const p = new EspeakProvider({ maxChunkChars: 40, tempDir: temp });
    const r = await p.synthesize({ text: TEXT, outPath: join(dir, 'chunks.wav') }, ctx(beats));
    // "Hello there." + the 55-character sentence split at a word boundary: 3 chunks.
    expect(beats.map((b) => b.chunks)).toEqual([0, 1, 2, 3]);
    expect(r.durationMs).toBeGreaterThan(2500);
    expect(await readdir(temp)).toEqual([]); // per-chunk files cleaned up
    expect((await readdir(dir)).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('picks the voice from the language and refuses unknown voices with suggestions', async () => {
    const p = new EspeakProvider();
    const fr = await p.synthesize(
      { text: 'Bonjour à tous.', outPath: join(dir, 'fr.wav'), language: 'French' },
      ctx(),
    );
    expect(fr.durationMs).toBeGreaterThan(500);
    await expect(
      p.synthesize({ text: 'hi', outPath: join(dir, 'k.wav'), voice: 'vulcan' }, ctx()),
    ).rejects.toMatchObject({
      code: 'REELAY_ERR_VALIDATION',
      message: expect.stringMatching(/no voice "vulcan".*en-us/),
    });
    await expect(
      p.synthesize({ text: 'hi', outPath: join(dir, 'k.wav'), language: 'Vulcan' }, ctx()),
    ).rejects.toThrow(/no voice for the language "Vulcan"/);
  });

  it('kills espeak-ng promptly on abort and leaves no output behind', async () => {
    const long = Array(400).fill('The quick brown fox jumps over the lazy dog.').join(' ');
    const ac = new AbortController();
    const outPath = join(dir, 'long.wav');
    const p = new EspeakProvider({ maxChunkChars: 100_000, tempDir: temp });
    await p.listVoices(); // so the abort lands while espeak-ng speaks, not while it lists voices
    let abortedAt = 0;
    const heartbeat = (b: Heartbeat): void => {
      // Speaking this text takes espeak-ng about 2.5 s; abort 150 ms into it.
      if (b.chunks === 0)
        setTimeout(() => {
          abortedAt = Date.now();
          ac.abort(new Error('user canceled'));
        }, 150);
    };
    await expect(p.synthesize({ text: long, outPath }, { signal: ac.signal, heartbeat })).rejects.toThrow(
      'user canceled',
    );
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(existsSync(outPath)).toBe(false);
    expect(await readdir(temp)).toEqual([]);
  });
});
