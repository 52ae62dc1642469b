import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { type Clock, systemClock, type TimerHandle } from '../../domain/clock.js';

/** Options of {@link runProcess}. */
export interface RunProcessOptions {
  /** Aborting sends SIGTERM, then SIGKILL after `killGraceMs`; the promise rejects once the process is gone. */
  signal?: AbortSignal;
  /** Working directory of the process. @default process.cwd() */
  cwd?: string;
  /** Called with every stdout chunk (UTF-8). */
  onStdout?: (chunk: string) => void;
  /** Keep the whole stdout in the result (for small outputs such as ffprobe JSON). @default false */
  collectStdout?: boolean;
  /** Called once with the child's pid right after it starts (e.g. to sample its memory). */
  onSpawn?: (pid: number) => void;
  /**
   * CPU priority of the process (POSIX nice, 0–19): heavy work such as rendering runs below the
   * API so requests stay fast while jobs render. Ignored where the OS refuses. @default 0
   */
  niceness?: number;
  /** Milliseconds between SIGTERM and SIGKILL on abort. @default 500 */
  killGraceMs?: number;
  /** How many trailing stderr lines to keep. @default 20 */
  stderrTailLines?: number;
  /** Clock for the kill timer. @default systemClock */
  clock?: Clock;
}

/** How a process ended (when it was not aborted and did start). */
export interface ProcessOutcome {
  /** Exit code, or null when a signal ended it. */
  exitCode: number | null;
  /** The signal that ended it, or null. */
  exitSignal: NodeJS.Signals | null;
  /** Whole stdout when `collectStdout` was set, else ''. */
  stdout: string;
  /** The last non-empty stderr lines (at most `stderrTailLines`). */
  stderrTail: string[];
}

/**
 * Runs a command to completion with prompt, certain cancellation. Resolves with the outcome
 * whatever the exit code (callers decide what a failure is); rejects with the spawn error (e.g.
 * `ENOENT`) or, on abort, with the signal's reason once the process has exited.
 *
 * @example
 * const { exitCode, stdout } = await runProcess('ffprobe', ['-version'], { collectStdout: true });
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: RunProcessOptions = {},
): Promise<ProcessOutcome> {
  const { signal, clock = systemClock, killGraceMs = 500, stderrTailLines = 20 } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderrPartial = '';
    const tail: string[] = [];
    let aborted = false;
    let killTimer: TimerHandle | undefined;
    let settled = false;

    const pushStderrLine = (line: string): void => {
      const trimmed = line.trimEnd();
      if (trimmed === '') return;
      tail.push(trimmed);
      if (tail.length > stderrTailLines) tail.shift();
    };
    const onAbort = (): void => {
      aborted = true;
      child.kill('SIGTERM');
      killTimer = clock.setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }, killGraceMs);
    };
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (killTimer !== undefined) clock.clearTimeout(killTimer);
      fn();
    };

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (options.collectStdout) stdout += chunk;
      options.onStdout?.(chunk);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      // FFmpeg rewrites status lines with \r; treat it as a line break.
      const lines = (stderrPartial + chunk).split(/\r\n|\r|\n/);
      stderrPartial = lines.pop() ?? '';
      for (const line of lines) pushStderrLine(line);
    });
    child.once('spawn', () => {
      if (child.pid !== undefined && options.niceness) {
        try {
          setPriority(child.pid, options.niceness);
        } catch {
          // Not permitted here: run at normal priority rather than fail the work.
        }
      }
      if (child.pid !== undefined) options.onSpawn?.(child.pid);
    });
    child.once('error', (error) => finish(() => reject(error)));
    child.once('close', (exitCode, exitSignal) => {
      pushStderrLine(stderrPartial);
      finish(() => {
        if (aborted) reject(signal?.reason);
        else resolve({ exitCode, exitSignal, stdout, stderrTail: tail });
      });
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
