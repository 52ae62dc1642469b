import { runFfmpeg } from '../../src/providers/media/ffmpeg-process.js';

/** Writes a still PNG (a test pattern, so motion and subtitles change pixels) of the given size. */
export async function makeStill(path: string, width: number, height: number, hue = 0): Promise<void> {
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=${width}x${height}:d=1,hue=h=${hue}`,
    '-frames:v',
    '1',
    path,
  ]);
}

/** Writes a mono 22.05 kHz WAV sine tone of the given length. */
export async function makeTone(path: string, durationMs: number, frequency = 440): Promise<void> {
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=${frequency}:sample_rate=22050:duration=${durationMs / 1000}`,
    path,
  ]);
}

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
