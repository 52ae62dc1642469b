/** A writable text stream as the CLI uses it (a TTY or not). */
export interface CliOutput {
  write(text: string): unknown;
  /** True when the stream is a terminal (progress redraws in place, prompts are shown). */
  isTTY?: boolean;
  /** Terminal width, when a terminal. */
  columns?: number;
}

/**
 * Everything the CLI touches outside itself: streams, environment and working directory. The
 * real process supplies them in `main.ts`; tests pass their own.
 */
export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  /** Where interactive answers are read from. */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The real process's streams, environment and working directory. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
}
