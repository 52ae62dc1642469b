import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Heartbeat } from '../../src/domain/heartbeat.js';
import { FestivalProvider } from '../../src/providers/tts/festival.js';
import { FliteProvider } from '../../src/providers/tts/flite.js';
import { parseWav } from '../../src/providers/tts/wav.js';
import { ctx, rms } from './offline-test-kit.js';

let dir: string;
let temp: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reelay-festival-it-'));
  temp = await mkdtemp(join(tmpdir(), 'reelay-festival-tmp-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(temp, { recursive: true, force: true });
});

const TEXT = 'Hello there. This is a short test of offline narration with a clearer voice.';
const engines = [
  {
    name: 'festival',
    make: (o = {}) => new FestivalProvider({ tempDir: temp, healthTimeoutMs: 60_000, ...o }),
    voice: 'cmu_us_slt_arctic_hts',
  },
  {
    name: 'flite',
    make: (o = {}) => new FliteProvider({ tempDir: temp, healthTimeoutMs: 60_000, ...o }),
    voice: 'slt',
  },
];

describe.each(engines)('$name (real binary)', { timeout: 120_000 }, ({ name, make, voice }) => {
  it('is healthy, names its version and voice, and lists the installed voices', async () => {
    const p = make();
    const health = await p.healthCheck(new AbortController().signal);
    expect(health).toMatchObject({ healthy: true });
    expect(health.message).toContain(`voice ${voice}`);
    expect(await p.listVoices()).toContain(voice);
    expect(p.capabilities).toMatchObject({ offline: true, heartbeat: 'chunk_count' });
  });

  it('writes an audible mono 16-bit WAV whose duration fits the text, with chunk heartbeats', async () => {
    const beats: Heartbeat[] = [];
    const outPath = join(dir, `${name}.wav`);
    const r = await make().synthesize({ text: TEXT, outPath, language: 'English' }, ctx(beats));
    const bytes = await readFile(outPath);
    const info = parseWav(bytes);
    expect(info).toMatchObject({ audioFormat: 1, channels: 1, bitsPerSample: 16 });
    expect(r).toMatchObject({ path: outPath, format: 'wav', durationMs: info.durationMs });
    // 14 words at about 150 words per minute ≈ 5.6 s, plus pauses.
    expect(r.durationMs).toBeGreaterThan(3500);
    expect(r.durationMs).toBeLessThan(9000);
    expect(rms(bytes)).toBeGreaterThan(300);
    expect(beats.map((b) => b.chunks)).toEqual([0, 1]);
    expect(beats[0]?.message).toContain(voice);
    expect(await readdir(temp)).toEqual([]);
  });

  it('maps portable voice ids onto its own voice and refuses a missing one naming the installed voices', async () => {
    const p = make();
    expect(await p.resolveVoice('female')).toBe(voice);
    expect(await p.resolveVoice('slt')).toBe(voice);
    expect(await p.resolveVoice('voice_cmu_us_slt_arctic_hts')).toBe(voice);
    await expect(
      p.synthesize({ text: 'hi', outPath: join(dir, 'x.wav'), voice: 'vulcan' }, ctx()),
    ).rejects.toMatchObject({
      code: 'REELAY_ERR_VALIDATION',
      provider: name,
      retryable: false,
      message: expect.stringMatching(new RegExp(`no voice "vulcan"; installed voices: .*${voice}`)),
    });
    await expect(
      p.synthesize({ text: 'Bonjour.', outPath: join(dir, 'fr.wav'), language: 'French' }, ctx()),
    ).rejects.toThrow(/English only/);
    expect(existsSync(join(dir, 'x.wav'))).toBe(false);
  });

  it('reports a missing binary as unhealthy and as a system error naming the packages', async () => {
    const p = make({ binary: `${name}-missing-xyz`, text2wave: 'text2wave-missing-xyz' });
    const health = await p.healthCheck(new AbortController().signal);
    expect(health.healthy).toBe(false);
    expect(health.message).toMatch(/not installed.*apt-get install/);
    await expect(p.synthesize({ text: 'hi', outPath: join(dir, 'y.wav') }, ctx())).rejects.toMatchObject({
      code: 'REELAY_ERR_PROVIDER',
      category: 'system_error',
      provider: name,
    });
  });

  it('kills the engine promptly on abort and leaves no output behind', async () => {
    const long = Array(300).fill('The quick brown fox jumps over the lazy dog.').join(' ');
    const ac = new AbortController();
    const outPath = join(dir, 'long.wav');
    const p = make({ maxChunkChars: 100_000 });
    await p.listVoices();
    let abortedAt = 0;
    const heartbeat = (b: Heartbeat): void => {
      if (b.chunks === 0)
        setTimeout(() => {
          abortedAt = Date.now();
          ac.abort(new Error('user canceled'));
        }, 150);
    };
    await expect(p.synthesize({ text: long, outPath }, { signal: ac.signal, heartbeat })).rejects.toThrow(
      'user canceled',
    );
    expect(Date.now() - abortedAt).toBeLessThan(1500);
    expect(existsSync(outPath)).toBe(false);
    expect(await readdir(temp)).toEqual([]);
  });
});

describe('flite speaking rate', { timeout: 120_000 }, () => {
  it('speaks slower at a lower words-per-minute', async () => {
    const p = new FliteProvider();
    const slow = await p.synthesize({ text: TEXT, outPath: join(dir, 's.wav'), wordsPerMinute: 100 }, ctx());
    const fast = await p.synthesize({ text: TEXT, outPath: join(dir, 'f.wav'), wordsPerMinute: 200 }, ctx());
    expect(fast.durationMs).toBeLessThan(slow.durationMs * 0.7);
  });
});
