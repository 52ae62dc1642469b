import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderScene } from '../../src/domain/provider.js';
import { runFfmpeg } from '../../src/providers/media/ffmpeg-process.js';
import { FfmpegComposer } from '../../src/providers/video/ffmpeg-composer.js';
import { context, makeScenes, request } from './composer-helpers.js';

const W = 320;
const H = 180;
let root: string;
let scenes: RenderScene[];
// The default preset (veryfast), so the full-pel analysis differs from the preset's own.
const composer = new FfmpegComposer({ concurrency: 1 });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'reelay-motion-'));
  scenes = await makeScenes(root, [1000, 1000]);
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** The `avcC` box body (SPS and PPS) of an MP4 file. */
async function avcC(path: string): Promise<Buffer> {
  const file = await readFile(path);
  const at = file.indexOf('avcC');
  expect(at).toBeGreaterThan(4);
  return file.subarray(at + 4, at - 4 + file.readUInt32BE(at - 4));
}

/** x264's settings string (its SEI) in a file. */
async function x264Options(path: string): Promise<string> {
  const text = (await readFile(path)).toString('latin1');
  return /x264 - core [^\0]*/.exec(text)?.[0] ?? '';
}

/** All frames of a video as gray bytes. */
async function grayFrames(video: string): Promise<Buffer[]> {
  const out = join(root, `${Math.random().toString(36).slice(2)}.gray`);
  await runFfmpeg(['-i', video, '-f', 'rawvideo', '-pix_fmt', 'gray', out]);
  const raw = await readFile(out);
  return Array.from({ length: raw.length / (W * H) }, (_, i) => raw.subarray(i * W * H, (i + 1) * W * H));
}

/** The horizontal shift (−3…3 px) that best maps frame `a` onto frame `b` (least mean absolute difference). */
function shift(a: Buffer, b: Buffer): number {
  let best = { d: 0, cost: Number.POSITIVE_INFINITY };
  for (let d = -3; d <= 3; d++) {
    let sum = 0;
    for (let y = 20; y < H - 20; y++)
      for (let x = 20; x < W - 20; x++) sum += Math.abs(a[y * W + x + d]! - b[y * W + x]!);
    if (sum < best.cost) best = { d, cost: sum };
  }
  return best.d;
}

describe('motion encoding', { timeout: 180_000 }, () => {
  it('pans by exactly one pixel every frame (no repeated frame, no jump) through the full-pel encode', async () => {
    const out = await composer.renderVideo(
      request(join(root, 'pan'), scenes.slice(0, 1), { motion: true }),
      context().ctx,
    );
    const frames = await grayFrames(out.path);
    expect(frames).toHaveLength(30);
    // 12 % of 320 px is more than the 29 steps of a 30-frame scene: it moves on every frame. The
    // first scene pans left to right, so frame n+1 at x is frame n at x+1.
    const steps = frames.slice(1).map((f, i) => shift(frames[i]!, f));
    expect(steps).toEqual(steps.map(() => 1));
  });

  it('encodes panning segments full-pel and still ones with the preset, with identical SPS/PPS', async () => {
    const dir = join(root, 'mixed');
    const workDir = join(dir, 'work');
    const still = await composer.renderVideo(request(join(root, 'still'), scenes.slice(0, 1)), context().ctx);
    await composer.renderVideo(request(dir, scenes, { motion: true, workDir }), context().ctx);
    const moving = join(workDir, 'segment-0.mp4');
    expect(await x264Options(moving)).toMatch(/ me=dia subme=0 .* crf=22\.5/);
    const stillSegment = join(root, 'still', 'work', 'segment-0.mp4');
    expect(await x264Options(stillSegment)).toMatch(/ me=hex subme=2 .* crf=23\.0/);
    expect((await avcC(moving)).equals(await avcC(stillSegment))).toBe(true);
    expect(still.durationMs).toBeGreaterThan(900);
  });
});
