/**
 * Media facts the pipeline tests assert on, measured with the real FFmpeg: loudness of a stretch
 * of audio, raw gray frames and their difference, and FFmpeg processes still running for a job.
 */
import { readFileSync } from 'node:fs';
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

export { grayFrame, rowDiff } from '../support/frames.js';

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

/** True when the process has exited and awaits its reaper (or is gone altogether). */
export function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return true;
  }
}
