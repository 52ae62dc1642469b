import { spawn } from 'node:child_process';

/** How {@link runProcess} starts a process: in this process or through the spawn helper. */
export interface LaunchOptions {
  /** Working directory. */
  cwd?: string;
  /** Leader of a new process group (the watchdog). */
  detached: boolean;
  /** Keep stdin an open pipe nobody writes to (the watchdog's "parent died" signal); else end it. */
  keepStdinOpen: boolean;
}

/** What a launched process reports, in order: `spawned` or `error`, output, then `close`. */
export interface LaunchHandlers {
  /** The process started, with its pid. */
  spawned(pid: number): void;
  /** A UTF-8 chunk of stdout. */
  stdout(chunk: string): void;
  /** A UTF-8 chunk of stderr. */
  stderr(chunk: string): void;
  /** It could not start (e.g. `ENOENT`), or the spawn helper running it was lost. */
  error(error: Error): void;
  /** It exited and its output streams are closed. */
  close(exitCode: number | null, exitSignal: NodeJS.Signals | null): void;
}

/** A started process, as far as {@link runProcess} needs it. */
export interface LaunchedProcess {
  /** Its pid once started. */
  readonly pid: number | undefined;
  /** True once it has exited (or could not start). */
  readonly exited: boolean;
  /** Sends `signal` to the process itself. */
  kill(signal: NodeJS.Signals): void;
}

/** Starts `file argv` and reports through `handlers`. */
export type Launcher = (
  file: string,
  argv: readonly string[],
  options: LaunchOptions,
  handlers: LaunchHandlers,
) => LaunchedProcess;

/**
 * Starts the process from this process (`child_process.spawn`). On Linux that forks this process,
 * which holds its event loop for a time that grows with its memory (a few ms at 90 MB, tens of ms
 * at 300 MB); the spawn helper (`spawn-helper.ts`) moves that cost to a small process.
 */
export const directLaunch: Launcher = (file, argv, options, handlers) => {
  const child = spawn(file, [...argv], { cwd: options.cwd, stdio: 'pipe', detached: options.detached });
  child.stdin.on('error', () => {});
  if (!options.keepStdinOpen) child.stdin.end();
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => handlers.stdout(chunk));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => handlers.stderr(chunk));
  child.once('spawn', () => {
    if (child.pid !== undefined) handlers.spawned(child.pid);
  });
  child.once('error', (error) => handlers.error(error));
  child.once('close', (exitCode, exitSignal) => handlers.close(exitCode, exitSignal));
  return {
    get pid() {
      return child.pid;
    },
    get exited() {
      return child.exitCode !== null || child.signalCode !== null;
    },
    kill: (signal) => {
      child.kill(signal);
    },
  };
};
