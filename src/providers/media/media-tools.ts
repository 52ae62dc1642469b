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

/**
 * Sets the executables every FFmpeg call uses when it is not given one (the config keys
 * `ffmpegPath` / `ffprobePath`); one FFmpeg per process, set once at start-up by `createReelay`
 * and the CLI. Omitted `ffprobePath` → {@link ffprobeBeside}.
 */
export function configureMediaTools(paths: { ffmpegPath?: string; ffprobePath?: string }): void {
  const ffmpeg = paths.ffmpegPath ?? DEFAULTS.ffmpeg;
  current = { ffmpeg, ffprobe: paths.ffprobePath ?? ffprobeBeside(ffmpeg) };
}

/** The executables in effect (see {@link configureMediaTools}). */
export function mediaToolPaths(): Readonly<MediaToolPaths> {
  return current;
}
