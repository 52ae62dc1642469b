import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeFfmpeg, fakeFfmpeg } from './fake-ffmpeg-test-harness.js';
import { detectFfmpeg, warmUpFfmpegInfo } from './ffmpeg-info.js';

let fake: FakeFfmpeg;
beforeAll(async () => {
  fake = await fakeFfmpeg();
});
afterAll(() => fake.remove());

const calls = async (): Promise<number> =>
  (await readFile(fake.log, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;

describe('warmUpFfmpegInfo', () => {
  it('detects once, so that a later detectFfmpeg asks no binary again', async () => {
    const paths = { ffmpegPath: fake.ffmpeg, ffprobePath: fake.ffprobe };
    expect(await warmUpFfmpegInfo(paths)).toBe(true);
    const probes = await calls();
    expect(probes).toBe(4);
    const info = await detectFfmpeg(paths);
    expect(info.ffmpegVersion).toBe('9.9-fake');
    expect(info.encoders.has('libx264')).toBe(true);
    expect(await calls()).toBe(probes);
  });

  it('resolves false on a missing binary and caches nothing', async () => {
    const paths = { ffmpegPath: `${fake.dir}/missing-ffmpeg`, ffprobePath: `${fake.dir}/missing-ffprobe` };
    expect(await warmUpFfmpegInfo(paths)).toBe(false);
    await expect(detectFfmpeg(paths)).rejects.toThrow(/missing-ffmpeg|ENOENT/);
  });

  it('resolves false when detection outlasts its limit', async () => {
    const paths = { ffmpegPath: fake.slow, ffprobePath: fake.slow };
    const t0 = performance.now();
    expect(await warmUpFfmpegInfo({ ...paths, limitMs: 100 })).toBe(false);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });
});
