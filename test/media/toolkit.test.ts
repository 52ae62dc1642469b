import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReelayError } from '../../src/domain/errors.js';
import {
  detectFfmpeg,
  type FfmpegProgress,
  probeMedia,
  produceAtomically,
  requireFfmpeg,
  runFfmpeg,
  sha256File,
  writeFileAtomic,
} from '../../src/providers/media/index.js';
import { isAlive, makeTone } from './fixtures.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reelay-media-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('runFfmpeg with real FFmpeg', () => {
  it('reports rising progress ending at 100 % and writes the output', async () => {
    const out = join(dir, 'progress.mp4');
    const seen: FfmpegProgress[] = [];
    await runFfmpeg(
      ['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=30:d=3', '-c:v', 'libx264', '-preset', 'ultrafast', out],
      { durationMs: 3000, onProgress: (p) => seen.push(p), progressIntervalMs: 0 },
    );
    expect(seen.length).toBeGreaterThan(0);
    const last = seen.at(-1)!;
    expect(last.done).toBe(true);
    expect(last.percent).toBe(100);
    expect(last.frame).toBe(90);
    const times = seen.map((p) => p.outTimeMs);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect((await probeMedia(out)).video?.codec).toBe('h264');
  });

  it('abort kills FFmpeg within 1 s, with the abort reason', async () => {
    const ac = new AbortController();
    let pid = 0;
    let abortedAt = 0;
    const run = runFfmpeg(['-re', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=30:d=60', '-f', 'null', '-'], {
      signal: ac.signal,
      onSpawn: (p) => {
        pid = p;
      },
      onProgress: () => {
        abortedAt = Date.now();
        ac.abort(new Error('stop now'));
      },
      progressIntervalMs: 0,
    });
    const abortAt = await run.then(
      () => Number.NaN,
      (e: unknown) => {
        expect((e as Error).message).toBe('stop now');
        return Date.now();
      },
    );
    expect(abortedAt).toBeGreaterThan(0);
    expect(abortAt - abortedAt).toBeLessThan(1000);
    expect(pid).toBeGreaterThan(0);
    expect(isAlive(pid)).toBe(false);
  });
});

describe('probeMedia', () => {
  it('reads duration, audio stream facts and size of a WAV', async () => {
    const wav = join(dir, 'tone.wav');
    await makeTone(wav, 1500);
    const info = await probeMedia(wav);
    expect(info.durationMs).toBe(1500);
    expect(info.audio).toEqual({ codec: 'pcm_s16le', sampleRate: 22050, channels: 1 });
    expect(info.video).toBeUndefined();
    expect(info.sizeBytes).toBeGreaterThan(60_000);
  });

  it('names the file when it cannot be read', async () => {
    const missing = join(dir, 'nope.mp4');
    const error = await probeMedia(missing).catch((e: unknown) => e);
    expect(ReelayError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(missing);
  });
});

describe('detectFfmpeg', () => {
  it('finds versions, libx264 and the subtitle filters, and caches the answer', async () => {
    const info = await detectFfmpeg();
    expect(info.ffmpegVersion).toMatch(/^\d+\.\d+/);
    expect(info.ffprobeVersion).toMatch(/^\d+\.\d+/);
    expect(info.encoders.has('libx264')).toBe(true);
    expect(info.encoders.has('aac')).toBe(true);
    expect(info.filters.has('subtitles')).toBe(true);
    expect(info.filters.has('zoompan')).toBe(true);
    expect(info.filters.has('=')).toBe(false);
    expect(await detectFfmpeg()).toBe(info);
  });

  it('requireFfmpeg names what is missing and how to fix it', async () => {
    const error = await requireFfmpeg({ filters: ['no_such_filter'], encoders: ['libx264'] }).catch(
      (e: unknown) => e,
    );
    expect(ReelayError.isInstance(error)).toBe(true);
    expect((error as ReelayError).code).toBe('REELAY_ERR_PREFLIGHT');
    expect((error as Error).message).toMatch(/lacks filters no_such_filter; install a full build/);
  });

  it('names only the missing tool when FFmpeg is there and FFprobe is not', async () => {
    const error = await requireFfmpeg(
      { encoders: ['libx264'] },
      { ffmpegPath: 'ffmpeg', ffprobePath: join(dir, 'no-ffprobe'), refresh: true },
    ).catch((e: unknown) => e);
    expect((error as ReelayError).code).toBe('REELAY_ERR_PREFLIGHT');
    expect((error as Error).message).toContain('FFprobe is not installed');
    expect((error as Error).message).not.toContain('FFmpeg is not installed');
  });
});

describe('atomic files', () => {
  it('writes atomically and hashes with SHA-256', async () => {
    const path = join(dir, 'a.txt');
    await writeFileAtomic(path, 'abc');
    expect(await readFile(path, 'utf8')).toBe('abc');
    expect(await sha256File(path)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('leaves neither the target nor a temp file when the producer fails', async () => {
    const path = join(dir, 'b.txt');
    let temp = '';
    await expect(
      produceAtomically(path, async (t) => {
        temp = t;
        await writeFile(t, 'half');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(readFile(path)).rejects.toThrow();
    await expect(readFile(temp)).rejects.toThrow();
  });
});
