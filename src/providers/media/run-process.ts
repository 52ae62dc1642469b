import { setPriority } from 'node:os';
import { type Clock, systemClock, type TimerHandle } from '../../domain/clock.js';
import {
  CHILD_MISSING_LINE,
  CHILD_PID_LINE,
  signalGroup,
  WATCHDOG_SUPPORTED,
  watchdogArgv,
} from './child-watchdog.js';
import { mediaNiceness } from './media-tools.js';
import { directLaunch } from './process-launch.js';
import { supervisedLauncher } from './spawn-helper.js';
import { currentWorkTracker } from './work-tracking.js';

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
  /** Called once with the command's pid right after it starts (e.g. to sample its memory). */
  onSpawn?: (pid: number) => void;
  /**
   * CPU priority of the process (POSIX nice, 0–19; 0 = normal): heavy work such as rendering runs
   * below the API so requests stay fast while jobs render. Ignored where the OS refuses.
   * @default mediaNiceness() (10, `REELAY_MEDIA_NICE`)
   */
  niceness?: number;
  /** Milliseconds between SIGTERM and SIGKILL on abort. @default 500 */
  killGraceMs?: number;
  /** How many trailing stderr lines to keep. @default 20 */
  stderrTailLines?: number;
  /** Clock for the kill timer. @default systemClock */
  clock?: Clock;
  /**
   * Run the command under the watchdog of `child-watchdog.ts`, in its own process group, so that
   * it dies with this process (even on `kill -9`) and is stopped as a group.
   * @default true on POSIX systems
   */
  supervised?: boolean;
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
 * The command runs supervised (see {@link RunProcessOptions.supervised}): its own process group,
 * reported to the current {@link WorkTracker} (the job attempt that started it), ended with this
 * process.
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
    const supervised = (options.supervised ?? true) && WATCHDOG_SUPPORTED;
    const tracker = supervised ? currentWorkTracker() : undefined;
    const niceness = Math.max(0, Math.min(19, Math.round(options.niceness ?? mediaNiceness())));
    const [file, argv] = supervised ? watchdogArgv(command, args, niceness) : [command, [...args]];
    const launch = supervised ? supervisedLauncher() : directLaunch;
    let stdout = '';
    let stderrPartial = '';
    const tail: string[] = [];
    let aborted = false;
    let missing = false;
    let killTimer: TimerHandle | undefined;
    let settled = false;

    const pushStderrLine = (line: string): void => {
      const trimmed = line.trimEnd();
      if (trimmed === '') return;
      if (supervised) {
        const pid = CHILD_PID_LINE.exec(trimmed);
        if (pid) {
          options.onSpawn?.(Number(pid[1]));
          return;
        }
        if (CHILD_MISSING_LINE.test(trimmed)) {
          missing = true;
          return;
        }
      }
      tail.push(trimmed);
      if (tail.length > stderrTailLines) tail.shift();
    };
    let child: ReturnType<typeof launch> | undefined;
    const kill = (sig: NodeJS.Signals): void => {
      if (child === undefined) return;
      if (supervised && child.pid !== undefined) signalGroup(child.pid, sig);
      else child.kill(sig);
    };
    const onAbort = (): void => {
      aborted = true;
      kill('SIGTERM');
      killTimer = clock.setTimeout(() => {
        if (child !== undefined && !child.exited) kill('SIGKILL');
        // The group may outlive its leader (a command that ignores SIGTERM): end it all.
        else if (supervised && child?.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      }, killGraceMs);
    };
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (killTimer !== undefined) clock.clearTimeout(killTimer);
      if (tracker && child?.pid !== undefined) tracker.childEnded(child.pid);
      fn();
    };

    child = launch(
      file,
      argv,
      { cwd: options.cwd, detached: supervised, keepStdinOpen: supervised },
      {
        stdout: (chunk) => {
          if (options.collectStdout) stdout += chunk;
          options.onStdout?.(chunk);
        },
        stderr: (chunk) => {
          // FFmpeg rewrites status lines with \r; treat it as a line break.
          const lines = (stderrPartial + chunk).split(/\r\n|\r|\n/);
          stderrPartial = lines.pop() ?? '';
          for (const line of lines) pushStderrLine(line);
        },
        spawned: (pid) => {
          tracker?.childStarted(pid);
          if (supervised) return; // niceness through `nice`, pid from the watchdog's first line
          if (niceness) {
            try {
              setPriority(pid, niceness);
            } catch {
              // Not permitted here: run at normal priority rather than fail the work.
            }
          }
          options.onSpawn?.(pid);
        },
        error: (error) => finish(() => reject(error)),
        close: (exitCode, exitSignal) => {
          pushStderrLine(stderrPartial);
          finish(() => {
            if (aborted) reject(signal?.reason);
            else if (missing && exitCode === 127) reject(notFound(command, args));
            else resolve({ exitCode, exitSignal, stdout, stderrTail: tail });
          });
        },
      },
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The error `spawn` gives for a missing command, for a command the watchdog could not find. */
function notFound(command: string, args: readonly string[]): NodeJS.ErrnoException {
  return Object.assign(new Error(`spawn ${command} ENOENT`), {
    errno: -2,
    code: 'ENOENT',
    syscall: `spawn ${command}`,
    path: command,
    spawnargs: [...args],
  });
}
