/**
 * Media facts the pipeline tests assert on, measured with the real FFmpeg: loudness of a stretch
 * of audio, raw gray frames and their difference, and FFmpeg processes still running for a job.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runFfmpeg } from '../../src/providers/media/ffmpeg-process.js';
import { runProcess } from '../../src/providers/media/run-process.js';

/**
 * Mean volume in dB of `durationSec` of audio from `fromSec` (FFmpeg `volumedetect`);
 * −Infinity for digital silence. Speech is around −20 to −35 dB, silence below −90 dB.
 */
export async function meanVolumeDb(path: string, fromSec: number, durationSec: number): Promise<number> {
  const outcome = await runProcess('ffmpeg', [
    '-hide_banner',
    '-nostdin',
    '-ss',
    String(fromSec),
    '-t',
    String(durationSec),
    '-i',
    path,
    '-vn',
    '-af',
    'volumedetect',
    '-f',
    'null',
    '-',
  ]);
  const line = outcome.stderrTail.find((l) => l.includes('mean_volume:'));
  if (outcome.exitCode !== 0 || !line) {
    throw new Error(`volumedetect failed on ${path}: ${outcome.stderrTail.join(' | ')}`);
  }
  const match = /mean_volume:\s*(-?inf|-?[\d.]+) dB/.exec(line);
  if (!match?.[1]) throw new Error(`Unreadable volumedetect line: ${line}`);
  return match[1].endsWith('inf') ? Number.NEGATIVE_INFINITY : Number(match[1]);
}

/** One frame at `atSec` as 8-bit gray pixels (width × height bytes), written under `scratch`. */
export async function grayFrame(
  video: string,
  atSec: number,
  scratch: string,
  name: string,
): Promise<Buffer> {
  const out = join(scratch, `${name}.gray`);
  await runFfmpeg([
    '-ss',
    String(atSec),
    '-i',
    video,
    '-frames:v',
    '1',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'gray',
    out,
  ]);
  return readFile(out);
}

/** Mean absolute difference (0–255) of two gray frames over rows [fromRow, toRow). */
export function rowDiff(a: Buffer, b: Buffer, width: number, fromRow: number, toRow: number): number {
  let sum = 0;
  for (let i = fromRow * width; i < toRow * width; i++) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return sum / ((toRow - fromRow) * width);
}

/** Pids of FFmpeg processes whose command line mentions `pathPart` (e.g. a job's work dir). */
export async function ffmpegProcessesFor(pathPart: string): Promise<number[]> {
  const outcome = await runProcess('pgrep', ['-f', `ffmpeg.*${escapeRegex(pathPart)}`], {
    collectStdout: true,
  });
  // pgrep exits 1 when nothing matches.
  if (outcome.exitCode === 1) return [];
  if (outcome.exitCode !== 0) throw new Error(`pgrep failed: ${outcome.stderrTail.join(' | ')}`);
  return outcome.stdout
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((n) => Number.isInteger(n) && n > 0 && n !== process.pid);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
