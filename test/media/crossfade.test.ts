import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderScene } from '../../src/domain/provider.js';
import { probeMedia } from '../../src/providers/media/ffprobe.js';
import { runProcess } from '../../src/providers/media/run-process.js';
import { FfmpegComposer } from '../../src/providers/video/ffmpeg-composer.js';
import { context, grayFrame, makeScenes, request, rowDiff, writeCaptions } from './composer-helpers.js';
import { makeStill } from './fixtures.js';

let root: string;
let scenes: RenderScene[];
let captions: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'reelay-crossfade-'));
  scenes = await makeScenes(root, [1000, 1200, 1000]);
  captions = await writeCaptions(root, scenes);
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** Errors FFmpeg reports while decoding every frame and sample of `path` (empty when clean). */
async function decodeErrors(path: string): Promise<string> {
  const out = await runProcess('ffmpeg', ['-v', 'error', '-i', path, '-f', 'null', '-']);
  return out.stderrTail.join('\n');
}

describe('FfmpegComposer crossfades', { timeout: 240_000 }, () => {
  it('renders each cut as its own xfade segment and joins all segments by stream copy', async () => {
    const dir = join(root, 'xfade');
    const composer = new FfmpegComposer({ preset: 'ultrafast', transitionMs: 400, fadeMs: 0 });
    const result = await composer.renderVideo(
      request(dir, scenes, { crossfade: true, motion: true, subtitlesPath: captions }),
      context().ctx,
    );
    expect(composer.lastRun.transitions.rendered.sort()).toEqual(['transition-0-1', 'transition-1-2']);
    const files = await readdir(join(dir, 'work'));
    expect(files).toEqual(
      expect.arrayContaining(['segment-0.mp4', 'transition-0-1.mp4', 'transition-1-2.mp4']),
    );

    const info = await probeMedia(result.path);
    expect(info.video).toMatchObject({ codec: 'h264', width: 320, height: 180, fps: 30 });
    expect(info.audio).toEqual({ codec: 'aac', sampleRate: 48000, channels: 2 });
    // Transitions overlap the cuts: the video keeps the scenes' total length (3.2 s = 96 frames).
    expect(Math.abs(result.durationMs - 3200)).toBeLessThan(100);
    const streams = await runProcess(
      'ffprobe',
      [
        '-v',
        'error',
        '-show_entries',
        'stream=codec_type,nb_read_frames',
        '-count_frames',
        '-of',
        'csv=p=0',
        result.path,
      ],
      { collectStdout: true },
    );
    const lines = streams.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines).toContain('video,96');
    expect(await decodeErrors(result.path)).toBe('');

    // At the first cut (1.0 s) the picture is a blend of both scenes: unlike either side.
    const before = await grayFrame(result.path, 0.7, root);
    const middle = await grayFrame(result.path, 1.0, root);
    const after = await grayFrame(result.path, 1.3, root);
    expect(rowDiff(middle, before, 320, 0, 120)).toBeGreaterThan(3);
    expect(rowDiff(middle, after, 320, 0, 120)).toBeGreaterThan(3);
  });

  it('changes only the transitions next to a changed scene', async () => {
    const dir = join(root, 'xfade-reuse');
    const composer = new FfmpegComposer({
      preset: 'ultrafast',
      transitionMs: 300,
      transitionKind: 'wipeleft',
    });
    await composer.renderVideo(request(dir, scenes, { crossfade: true }), context().ctx);
    await composer.renderVideo(request(dir, scenes, { crossfade: true }), context().ctx);
    expect(composer.lastRun).toEqual({
      rendered: [],
      reused: expect.arrayContaining([0, 1, 2]),
      transitions: { rendered: [], reused: expect.arrayContaining(['transition-0-1', 'transition-1-2']) },
    });
    const changedStill = join(root, 'still-2-changed.png');
    await makeStill(changedStill, 400, 300, 45);
    const changed = scenes.map((s, i) => (i === 2 ? { ...s, imagePath: changedStill } : s));
    await composer.renderVideo(request(dir, changed, { crossfade: true }), context().ctx);
    expect(composer.lastRun).toEqual({
      rendered: [2],
      reused: expect.arrayContaining([0, 1]),
      transitions: { rendered: ['transition-1-2'], reused: ['transition-0-1'] },
    });
  });

  it('rejects an unknown transition before running FFmpeg', async () => {
    const composer = new FfmpegComposer({ transitionKind: 'explode' as never });
    await expect(
      composer.renderVideo(request(join(root, 'bad'), scenes, { crossfade: true }), context().ctx),
    ).rejects.toThrow(/Unknown transition "explode"/);
  });
});
