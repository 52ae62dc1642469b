/**
 * The final mix with the real FFmpeg: music ducks under the narration and comes back in its
 * pauses (side-chain compression), and the result is normalised to −14 LUFS integrated with a
 * true peak at or below −1 dBTP, both measured with FFmpeg's `ebur128`.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderScene } from '../../src/domain/provider.js';
import { runFfmpeg } from '../../src/providers/media/ffmpeg-process.js';
import { runProcess } from '../../src/providers/media/run-process.js';
import { FfmpegComposer } from '../../src/providers/video/ffmpeg-composer.js';
import { context, request } from './composer-helpers.js';
import { makeStill } from './fixtures.js';

let dir: string;
let out: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reelay-mix-it-'));
  await mkdir(join(dir, 'in'));
  // Two 4 s scenes whose "narration" is a 1 kHz tone at speech level (−15 dB RMS) for the first 2 s, then silence.
  const scenes: RenderScene[] = [];
  for (const i of [0, 1]) {
    const imagePath = join(dir, 'in', `still-${i}.png`);
    const audioPath = join(dir, 'in', `voice-${i}.wav`);
    await makeStill(imagePath, 320, 180, i * 90);
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=1000:sample_rate=22050:duration=2,volume=6dB',
      audioPath,
    ]);
    scenes.push({ index: i, imagePath, audioPath, durationMs: 4000, narration: 'Speech.', title: `S${i}` });
  }
  const musicPath = join(dir, 'in', 'music.wav');
  await runFfmpeg(['-f', 'lavfi', '-i', 'sine=frequency=150:sample_rate=44100:duration=3', musicPath]);
  const composer = new FfmpegComposer({ preset: 'ultrafast' });
  const result = await composer.renderVideo(request(dir, scenes, { musicPath }), context().ctx);
  out = result.path;
}, 180_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** RMS level (dB) of the music band (a 150 Hz band-pass) over `t`..`t + d` seconds. */
async function musicBandDb(path: string, t: number, d: number): Promise<number> {
  const r = await runProcess('ffmpeg', [
    ...['-hide_banner', '-nostdin', '-ss', String(t), '-t', String(d), '-i', path, '-vn'],
    ...[
      '-af',
      'bandpass=f=150:width_type=q:w=4,bandpass=f=150:width_type=q:w=4,astats=measure_overall=RMS_level:measure_perchannel=none',
    ],
    ...['-f', 'null', '-'],
  ]);
  const line = r.stderrTail.reverse().find((l) => l.includes('RMS level dB'));
  const value = Number(/RMS level dB:\s*(-?[\d.]+)/.exec(line ?? '')?.[1]);
  if (!Number.isFinite(value)) throw new Error(`astats: ${r.stderrTail.join(' | ')}`);
  return value;
}

describe('final mix (real FFmpeg)', () => {
  it('ducks the music under the narration and brings it back in the pauses', async () => {
    // Speech 0.5–1.5 s and 4.5–5.5 s; pauses 2.8–3.8 s and 6.8–7.6 s (after the release).
    const underSpeech = ((await musicBandDb(out, 0.5, 1)) + (await musicBandDb(out, 4.5, 1))) / 2;
    const inPause = ((await musicBandDb(out, 2.8, 1)) + (await musicBandDb(out, 6.8, 0.8))) / 2;
    expect(inPause - underSpeech).toBeGreaterThan(6);
  }, 60_000);

  it('is normalised to −14 LUFS integrated (±1 LU) with a true peak at or below −1 dBTP', async () => {
    const r = await runProcess(
      'ffmpeg',
      [
        ...['-hide_banner', '-nostdin', '-nostats', '-i', out, '-vn'],
        ...['-af', 'ebur128=peak=true', '-f', 'null', '-'],
      ],
      { stderrTailLines: 40 },
    );
    const text = r.stderrTail.join('\n');
    const integrated = Number(/I:\s*(-?[\d.]+) LUFS/.exec(text.slice(text.lastIndexOf('Summary')))?.[1]);
    const truePeak = Number(/True peak:\s*Peak:\s*(-?[\d.]+) dBFS/.exec(text.replace(/\n\s*/g, ' '))?.[1]);
    expect(integrated).toBeGreaterThanOrEqual(-15);
    expect(integrated).toBeLessThanOrEqual(-13);
    expect(truePeak).toBeLessThanOrEqual(-1);
  }, 60_000);
});
