import type { Clock } from '../../domain/clock.js';
import { systemClock } from '../../domain/clock.js';
import { exitFailure, spawnFailure } from './media-errors.js';
import { mediaToolPaths } from './media-tools.js';
import { type FfmpegProgress, ProgressParser } from './progress-parser.js';
import { runProcess } from './run-process.js';

/** Arguments {@link runFfmpeg} puts before the caller's: quiet, non-interactive, machine-readable progress. */
export const FFMPEG_BASE_ARGS: readonly string[] = [
  '-hide_banner',
  '-nostdin',
  '-y',
  '-progress',
  'pipe:1',
  '-nostats',
];

/** Options of {@link runFfmpeg}. */
export interface RunFfmpegOptions {
  /** Aborting kills FFmpeg (SIGTERM, SIGKILL 500 ms later); the promise rejects with the signal's reason once it is gone. */
  signal?: AbortSignal;
  /** Receives progress, at most once per `progressIntervalMs` (the final `done` report always arrives). */
  onProgress?: (progress: FfmpegProgress) => void;
  /** Expected output duration, to compute `percent`. */
  durationMs?: number;
  /** Working directory (relative paths in `args` resolve against it). @default process.cwd() */
  cwd?: string;
  /** FFmpeg executable. @default mediaToolPaths().ffmpeg ('ffmpeg', or the config's `ffmpegPath`) */
  ffmpegPath?: string;
  /** Minimum milliseconds between two `onProgress` calls. @default 250 */
  progressIntervalMs?: number;
  /** Milliseconds between SIGTERM and SIGKILL on abort. @default 500 */
  killGraceMs?: number;
  /** Called with FFmpeg's pid once it runs (memory sampling, diagnostics). */
  onSpawn?: (pid: number) => void;
  /** CPU priority (POSIX nice 0–19) for this FFmpeg process. @default 0 */
  niceness?: number;
  /** Clock for progress throttling and the kill timer. @default systemClock */
  clock?: Clock;
}

/** Result of a successful {@link runFfmpeg}. */
export interface RunFfmpegResult {
  /** The last lines FFmpeg wrote to stderr (warnings worth logging). */
  stderrTail: string[];
}

/**
 * Runs FFmpeg with {@link FFMPEG_BASE_ARGS} prepended and reports parsed progress.
 * Rejects with a `REELAY_ERR_PROVIDER` ReelayError (provider `ffmpeg`): category
 * `processing_error` with the last stderr lines on a non-zero exit, `system_error` with the
 * install command when FFmpeg is missing.
 *
 * @example
 * await runFfmpeg(['-i', 'in.wav', 'out.m4a'], {
 *   durationMs: 10_000, signal, onProgress: (p) => heartbeat({ percent: p.percent }),
 * });
 */
export async function runFfmpeg(
  args: readonly string[],
  options: RunFfmpegOptions = {},
): Promise<RunFfmpegResult> {
  const {
    ffmpegPath = mediaToolPaths().ffmpeg,
    progressIntervalMs = 250,
    clock = systemClock,
    onProgress,
  } = options;
  let lastReport = Number.NEGATIVE_INFINITY;
  const parser = new ProgressParser((progress) => {
    if (!onProgress) return;
    const now = clock.now();
    if (!progress.done && now - lastReport < progressIntervalMs) return;
    lastReport = now;
    onProgress(progress);
  }, options.durationMs);

  let outcome: Awaited<ReturnType<typeof runProcess>>;
  try {
    outcome = await runProcess(ffmpegPath, [...FFMPEG_BASE_ARGS, ...args], {
      signal: options.signal,
      cwd: options.cwd,
      clock,
      killGraceMs: options.killGraceMs,
      onSpawn: options.onSpawn,
      ...(options.niceness === undefined ? {} : { niceness: options.niceness }),
      onStdout: (chunk) => parser.push(chunk),
    });
  } catch (error) {
    throw spawnFailure('ffmpeg', ffmpegPath, error, options.cwd);
  }
  if (outcome.exitCode !== 0)
    throw exitFailure('ffmpeg', outcome.exitCode, outcome.exitSignal, outcome.stderrTail);
  return { stderrTail: outcome.stderrTail };
}
