import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Heartbeat } from '../../src/domain/heartbeat.js';
import type { RenderScene, VideoRenderRequest } from '../../src/domain/provider.js';
import { buildCues, timeline, toSrt } from '../../src/providers/video/subtitles.js';
import { makeStill, makeTone } from './fixtures.js';

/** Makes `count` scenes (stills with different hues, tones of different pitch) in `dir`. */
export async function makeScenes(dir: string, durationsMs: readonly number[]): Promise<RenderScene[]> {
  return Promise.all(
    durationsMs.map(async (durationMs, i) => {
      const imagePath = join(dir, `still-${i}.png`);
      const audioPath = join(dir, `voice-${i}.wav`);
      await makeStill(imagePath, 400, 300, i * 90);
      await makeTone(audioPath, Math.max(200, durationMs - 300), 300 + i * 100);
      return {
        index: i,
        imagePath,
        audioPath,
        durationMs,
        narration: `Scene ${i + 1} explains one idea clearly for the viewer.`,
        title: `Scene ${i + 1}`,
      };
    }),
  );
}

/** Writes the SRT captions of the scenes and returns its path. */
export async function writeCaptions(dir: string, scenes: readonly RenderScene[]): Promise<string> {
  const path = join(dir, 'captions.srt');
  await writeFile(path, toSrt(buildCues(timeline(scenes))));
  return path;
}

/** A request with test defaults (16:9 320×180, 30 fps, H.264). */
export function request(
  dir: string,
  scenes: RenderScene[],
  extra: Partial<VideoRenderRequest> = {},
): VideoRenderRequest {
  return {
    scenes,
    width: 320,
    height: 180,
    fps: 30,
    codec: 'h264',
    outPath: join(dir, 'out', 'video.mp4'),
    workDir: join(dir, 'work'),
    motion: false,
    ...extra,
  };
}

/** A call context that records heartbeats. */
export function context(signal = new AbortController().signal): {
  ctx: { signal: AbortSignal; heartbeat: (b: Heartbeat) => void };
  beats: Heartbeat[];
} {
  const beats: Heartbeat[] = [];
  return { ctx: { signal, heartbeat: (b) => beats.push(b) }, beats };
}

export { grayFrame, rowDiff } from '../support/frames.js';
