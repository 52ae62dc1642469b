/**
 * The documented exit codes of the `reelay` command line. Scripts may rely on them; they never
 * change meaning.
 */
export const EXIT_CODES = {
  /** The command did what was asked (for `generate`: the video is done). */
  ok: 0,
  /** The job failed, or the command failed (unknown job, conflict, server error). */
  failed: 1,
  /** Bad usage: unknown command or flag, a missing or malformed value, an invalid request. */
  usage: 2,
  /** The job was canceled (by someone else, or it was already canceled). */
  canceled: 3,
  /** The server cannot be reached, or a pre-flight check failed (FFmpeg, disk, a provider). */
  unavailable: 4,
  /** Interrupted with Ctrl-C (the running job was canceled first). */
  interrupted: 130,
} as const;

/** One of the values of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];
