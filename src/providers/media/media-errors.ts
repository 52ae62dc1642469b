import { existsSync } from 'node:fs';
import { ReelayError } from '../../domain/errors.js';
import { SPAWN_HELPER_LOST } from './spawn-helper.js';

/** Provider name used on every FFmpeg error. */
export const FFMPEG_PROVIDER = 'ffmpeg';

/** How many stderr lines an FFmpeg failure message quotes. @default 6 */
const QUOTED_LINES = 6;

/** The config key (and environment variable) that points Reelay at a tool. */
function toolSetting(tool: string): string {
  return tool === 'ffprobe' ? 'ffprobePath (REELAY_FFPROBE_PATH)' : 'ffmpegPath (REELAY_FFMPEG_PATH)';
}

/**
 * Maps a spawn failure of an FFmpeg tool: `ENOENT` becomes "not installed" with the install
 * command; other spawn errors (EACCES, …) say what failed. Anything else passes through.
 */
export function spawnFailure(tool: string, toolPath: string, error: unknown, cwd?: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  // Node reports a missing working directory as ENOENT too; tell the two apart.
  if (code === 'ENOENT' && cwd !== undefined && !existsSync(cwd)) {
    return new ReelayError(
      'REELAY_ERR_PROVIDER',
      `Cannot run ${tool}: its working directory "${cwd}" does not exist.`,
      {
        cause: error,
        category: 'system_error',
        retryable: false,
        provider: FFMPEG_PROVIDER,
        details: { tool, cwd },
      },
    );
  }
  if (code === 'ENOENT') {
    const name = tool === 'ffprobe' ? 'FFprobe' : 'FFmpeg';
    return new ReelayError(
      'REELAY_ERR_PROVIDER',
      `${name} is not installed (no "${toolPath}"): apt-get install ffmpeg, or set the config key ${toolSetting(tool)} to its executable, or add its directory to PATH.`,
      {
        cause: error,
        category: 'system_error',
        retryable: false,
        provider: FFMPEG_PROVIDER,
        details: { tool, toolPath },
      },
    );
  }
  if (code === SPAWN_HELPER_LOST) {
    return new ReelayError(
      'REELAY_ERR_PROVIDER',
      `${tool} was ended with the spawn helper that started it (${(error as Error).message}); a retry starts a new helper.`,
      {
        cause: error,
        category: 'system_error',
        retryable: true,
        provider: FFMPEG_PROVIDER,
        details: { tool, toolPath },
      },
    );
  }
  if (code === 'EACCES') {
    return new ReelayError(
      'REELAY_ERR_PROVIDER',
      `${tool} at "${toolPath}" cannot be executed (permission denied); check the path and its permissions.`,
      {
        cause: error,
        category: 'system_error',
        retryable: false,
        provider: FFMPEG_PROVIDER,
        details: { tool, toolPath },
      },
    );
  }
  return error;
}

/**
 * A non-zero FFmpeg exit: category `processing_error`, the last stderr lines in the message (never
 * the full dump) and in `details.stderrTail`.
 */
export function exitFailure(
  tool: string,
  exitCode: number | null,
  exitSignal: string | null,
  stderrTail: readonly string[],
): ReelayError {
  const quoted = stderrTail.slice(-QUOTED_LINES).join(' | ');
  const how =
    exitCode !== null ? `exited with code ${exitCode}` : `was killed by ${exitSignal ?? 'a signal'}`;
  return new ReelayError(
    'REELAY_ERR_PROVIDER',
    `${tool} ${how}: ${quoted || 'no error output'}. Check the input files and options; the FFmpeg provider cannot render this request as given.`,
    {
      category: 'processing_error',
      retryable: false,
      provider: FFMPEG_PROVIDER,
      details: { tool, exitCode, exitSignal, stderrTail: stderrTail.slice(-QUOTED_LINES) },
    },
  );
}
