import { dirname, join, resolve } from 'node:path';

/**
 * The `ffprobe` next to an FFmpeg given as a path, else the command `ffprobe`.
 * @example ffprobeBeside('/opt/ffmpeg/bin/ffmpeg') // '/opt/ffmpeg/bin/ffprobe'
 */
export function ffprobeBeside(ffmpegPath: string): string {
  return ffmpegPath.includes('/') ? join(dirname(ffmpegPath), 'ffprobe') : 'ffprobe';
}

/**
 * FFmpeg and FFprobe executables: `REELAY_FFMPEG_PATH` / `REELAY_FFPROBE_PATH` over the file's
 * `ffmpegPath` / `ffprobePath`; a value with a `/` is a path (relative ones resolve against
 * `cwd`), one without is a command looked up on PATH. FFprobe defaults to {@link ffprobeBeside}.
 */
export function mediaToolsConfig(
  env: NodeJS.ProcessEnv,
  file: { ffmpegPath?: string | undefined; ffprobePath?: string | undefined },
  cwd: string,
): { ffmpegPath: string; ffprobePath: string } {
  const asPath = (p: string) => (p.includes('/') ? resolve(cwd, p) : p);
  const ffmpegPath = asPath(env.REELAY_FFMPEG_PATH || file.ffmpegPath || 'ffmpeg');
  const probe = env.REELAY_FFPROBE_PATH || file.ffprobePath;
  return { ffmpegPath, ffprobePath: probe ? asPath(probe) : ffprobeBeside(ffmpegPath) };
}
