import { ffprobeBeside } from '../../config/media-tools-config.js';

/** The FFmpeg executables Reelay runs. */
export interface MediaToolPaths {
  /** FFmpeg: a command on PATH or a path. @default 'ffmpeg' */
  ffmpeg: string;
  /** FFprobe: a command on PATH or a path. @default 'ffprobe' */
  ffprobe: string;
}

const DEFAULTS: MediaToolPaths = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };
let current: MediaToolPaths = DEFAULTS;

/** CPU priority (POSIX nice) of media processes unless configured: below the API and the workers. */
export const DEFAULT_MEDIA_NICENESS = 10;
let niceness = DEFAULT_MEDIA_NICENESS;

/**
 * Sets the executables every FFmpeg call uses when it is not given one (the config keys
 * `ffmpegPath` / `ffprobePath`) and the CPU priority of every media process (`niceness`,
 * `REELAY_MEDIA_NICE`); one setting per process, made once at start-up by `createReelay` and the
 * CLI. Omitted `ffprobePath` → {@link ffprobeBeside}; omitted `niceness` → {@link DEFAULT_MEDIA_NICENESS}.
 */
export function configureMediaTools(paths: {
  ffmpegPath?: string;
  ffprobePath?: string;
  niceness?: number;
}): void {
  const ffmpeg = paths.ffmpegPath ?? DEFAULTS.ffmpeg;
  current = { ffmpeg, ffprobe: paths.ffprobePath ?? ffprobeBeside(ffmpeg) };
  niceness = clampNiceness(paths.niceness ?? DEFAULT_MEDIA_NICENESS);
}

/**
 * The CPU priority (POSIX nice, 0–19; 0 = normal) media processes — FFmpeg, FFprobe, TTS engines —
 * run at unless a caller says otherwise, so that rendering on the cores the API and the workers
 * share does not delay requests and live events.
 */
export function mediaNiceness(): number {
  return niceness;
}

function clampNiceness(n: number): number {
  return Math.max(0, Math.min(19, Math.round(n)));
}

/** The executables in effect (see {@link configureMediaTools}). */
export function mediaToolPaths(): Readonly<MediaToolPaths> {
  return current;
}
