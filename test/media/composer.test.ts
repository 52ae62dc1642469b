import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReelayError } from '../../src/domain/errors.js';
import type { RenderScene } from '../../src/domain/provider.js';
import { probeMedia } from '../../src/providers/media/ffprobe.js';
import { FfmpegComposer } from '../../src/providers/video/ffmpeg-composer.js';
import { context, grayFrame, makeScenes, request, rowDiff, writeCaptions } from './composer-helpers.js';
import { isAlive, makeStill, makeTone } from './fixtures.js';

let root: string;
let scenes: RenderScene[];
let captions: string;
const composer = new FfmpegComposer({ preset: 'ultrafast' });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'reelay-composer-'));
  scenes = await makeScenes(root, [700, 1000, 800]);
  captions = await writeCaptions(root, scenes);
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function freshDir(name: string): Promise<string> {
  const dir = join(root, name);
  await rm(dir, { recursive: true, force: true });
  return dir;
}

describe('FfmpegComposer renders', { timeout: 180_000 }, () => {
  for (const [aspect, width, height] of [
    ['16:9', 320, 180],
    ['9:16', 180, 320],
    ['1:1', 240, 240],
  ] as const) {
    it(`a 3-scene ${aspect} video: H.264 + AAC, yuv420p, BT.709, exact size and fps, right duration`, async () => {
      const dir = await freshDir(`aspect-${width}x${height}`);
      const { ctx, beats } = context();
      const result = await composer.renderVideo(
        request(dir, scenes, { width, height, fps: 25, subtitlesPath: captions, crossfade: true }),
        ctx,
      );
      const info = await probeMedia(result.path);
      expect(info.video).toMatchObject({
        codec: 'h264',
        width,
        height,
        fps: 25,
        pixFmt: 'yuv420p',
        colorSpace: 'bt709',
        colorPrimaries: 'bt709',
        colorTransfer: 'bt709',
      });
      expect(info.audio).toEqual({ codec: 'aac', sampleRate: 48000, channels: 2 });
      expect(Math.abs(result.durationMs - 2500)).toBeLessThan(250);
      expect(result.usage.seconds).toBeCloseTo(result.durationMs / 1000);
      const percents = beats.flatMap((b) => (b.percent === undefined ? [] : [b.percent]));
      expect(percents.at(-1)).toBe(100);
      expect([...percents].sort((a, b) => a - b)).toEqual(percents);
    });
  }

  it('burns captions into the bottom of the frame (and only there)', async () => {
    const one = scenes.slice(0, 1);
    const withSubs = await composer.renderVideo(
      request(await freshDir('subs-on'), one, { subtitlesPath: captions }),
      context().ctx,
    );
    const without = await composer.renderVideo(request(await freshDir('subs-off'), one), context().ctx);
    const a = await grayFrame(withSubs.path, 0.5, root);
    const b = await grayFrame(without.path, 0.5, root);
    expect(rowDiff(a, b, 320, 140, 180)).toBeGreaterThan(3);
    expect(rowDiff(a, b, 320, 0, 100)).toBeLessThan(1);
  });

  it('moves the picture with motion on and keeps it still with motion off', async () => {
    const one = scenes.slice(1, 2);
    const still = await composer.renderVideo(request(await freshDir('motion-off'), one), context().ctx);
    const moving = await composer.renderVideo(
      request(await freshDir('motion-on'), one, { motion: true }),
      context().ctx,
    );
    const stillDiff = rowDiff(
      await grayFrame(still.path, 0.1, root),
      await grayFrame(still.path, 0.9, root),
      320,
      0,
      180,
    );
    const moveDiff = rowDiff(
      await grayFrame(moving.path, 0.1, root),
      await grayFrame(moving.path, 0.9, root),
      320,
      0,
      180,
    );
    expect(stillDiff).toBeLessThan(1);
    expect(moveDiff).toBeGreaterThan(5);
  });

  it('mixes looped background music under the narration, copying the video', async () => {
    const music = join(root, 'music.wav');
    await makeTone(music, 700, 880);
    const result = await composer.renderVideo(
      request(await freshDir('music'), scenes, { musicPath: music }),
      context().ctx,
    );
    const info = await probeMedia(result.path);
    expect(info.audio).toEqual({ codec: 'aac', sampleRate: 48000, channels: 2 });
    expect(Math.abs(result.durationMs - 2500)).toBeLessThan(250);
  });
});

describe('FfmpegComposer checkpoints', { timeout: 180_000 }, () => {
  it('reuses unchanged segments on a second render and re-renders only a changed scene', async () => {
    const dir = await freshDir('reuse');
    await mkdir(join(root, 'reuse-inputs'), { recursive: true });
    const own = await makeScenes(join(root, 'reuse-inputs'), [800, 900]);
    const first = new FfmpegComposer({ preset: 'ultrafast' });
    await first.renderVideo(request(dir, own), context().ctx);
    expect(first.lastRun).toMatchObject({ rendered: expect.arrayContaining([0, 1]), reused: [] });
    const mtime = (await stat(join(dir, 'work', 'segment-0.mp4'))).mtimeMs;

    await first.renderVideo(request(dir, own), context().ctx);
    expect(first.lastRun.rendered).toEqual([]);
    expect(first.lastRun.reused.sort()).toEqual([0, 1]);
    expect((await stat(join(dir, 'work', 'segment-0.mp4'))).mtimeMs).toBe(mtime);

    // Segments are video only: new narration re-renders no picture, only the final join.
    await makeTone(own[1]!.audioPath, 500, 1000);
    await first.renderVideo(request(dir, own), context().ctx);
    expect(first.lastRun).toMatchObject({ rendered: [], reused: expect.arrayContaining([0, 1]) });

    await makeStill(own[1]!.imagePath, 400, 300, 200);
    await first.renderVideo(request(dir, own), context().ctx);
    expect(first.lastRun).toMatchObject({ rendered: [1], reused: [0] });
  });

  it('abort kills FFmpeg within 1 s, keeps the finished segment and leaves no temp files', async () => {
    const dir = await freshDir('abort');
    const long = await makeScenes(join(root), [500, 60_000]);
    const pids: number[] = [];
    const slow = new FfmpegComposer({
      preset: 'ultrafast',
      concurrency: 1,
      progressIntervalMs: 0,
      onFfmpegSpawn: (pid) => pids.push(pid),
    });
    const ac = new AbortController();
    let abortedAt = 0;
    const { ctx } = context(ac.signal);
    const heartbeat = (b: { percent?: number; message?: string }): void => {
      if (!abortedAt && b.message?.startsWith('rendering scene 2') && (b.percent ?? 0) > 2) {
        abortedAt = Date.now();
        ac.abort(new Error('canceled by test'));
      }
    };
    const error = await slow
      .renderVideo(request(dir, long, { width: 640, height: 360, motion: true }), { ...ctx, heartbeat })
      .catch((e: unknown) => e);
    const settledAt = Date.now();
    expect((error as Error).message).toBe('canceled by test');
    expect(abortedAt).toBeGreaterThan(0);
    expect(settledAt - abortedAt).toBeLessThan(1000);
    expect(pids.length).toBe(2);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    const files = await readdir(join(dir, 'work'));
    expect(files).toContain('segment-0.mp4');
    expect(files).not.toContain('segment-1.mp4');
    expect(files.filter((f) => f.includes('.tmp'))).toEqual([]);
  });
});

describe('FfmpegComposer errors and health', () => {
  it('names a missing input file and its scene', async () => {
    const broken = [{ ...scenes[0]!, imagePath: join(root, 'missing-still.png') }];
    const error = await composer
      .renderVideo(request(await freshDir('missing'), broken), context().ctx)
      .catch((e) => e);
    expect(ReelayError.isInstance(error)).toBe(true);
    expect((error as ReelayError).message).toContain('missing-still.png');
    expect((error as ReelayError).message).toContain('image of scene 0');
    expect((error as ReelayError).details.path).toBe(join(root, 'missing-still.png'));
  });

  it('rejects odd frame sizes and codecs it cannot make, before running FFmpeg', async () => {
    const dir = await freshDir('invalid');
    await expect(composer.renderVideo(request(dir, scenes, { width: 321 }), context().ctx)).rejects.toThrow(
      /even width/,
    );
    await expect(composer.renderVideo(request(dir, scenes, { codec: 'vp9' }), context().ctx)).rejects.toThrow(
      /H\.264 only/,
    );
  });

  it('reports healthy with real FFmpeg and unhealthy, with the install hint, without it', async () => {
    const healthy = await composer.healthCheck(new AbortController().signal);
    expect(healthy.healthy).toBe(true);
    expect(healthy.message).toMatch(/^FFmpeg \d/);
    const missing = new FfmpegComposer({ ffmpegPath: join(root, 'no-ffmpeg') });
    const report = await missing.healthCheck(new AbortController().signal);
    expect(report.healthy).toBe(false);
    expect(report.message).toMatch(/apt-get install ffmpeg/);
  });

  it('writes nothing at the output path when the render fails', async () => {
    const dir = await freshDir('fail');
    const bad = join(root, 'not-audio.wav');
    await writeFile(bad, 'this is not audio');
    const broken = [{ ...scenes[0]!, audioPath: bad }];
    const error = await composer.renderVideo(request(dir, broken), context().ctx).catch((e) => e);
    expect((error as ReelayError).category).toBe('processing_error');
    await expect(stat(join(dir, 'out', 'video.mp4'))).rejects.toThrow();
  });
});
