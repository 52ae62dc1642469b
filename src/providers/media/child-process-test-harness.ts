/**
 * Test helpers for "children die with their parent": a parent Node process running a script,
 * the pid its watchdog reports, and bounded polling of `/proc`. Not part of the build.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { WATCHDOG_SCRIPT } from './child-watchdog.js';
import { SPAWN_HELPER_SCRIPT } from './spawn-helper-script.js';
import type { WorkTracker } from './work-tracking.js';

/** Fields of /proc/<pid>/stat after the command name, or undefined once gone or a zombie. */
export function procStat(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? undefined : fields;
  } catch {
    return undefined;
  }
}

/** True while the process runs (a zombie awaiting its reaper counts as gone). */
export const running = (pid: number): boolean => procStat(pid) !== undefined;

/** The parent pid of a running process (NaN once it is gone). */
export const parentOf = (pid: number): number => Number(procStat(pid)?.[1]);

/** Polls `check` every 20 ms until true or `limitMs` passed (bounded; no fixed sleep); the wait in ms. */
export async function pollUntil(check: () => boolean, limitMs: number): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > limitMs) throw new Error(`not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - start;
}

/** A parent process started by {@link startParent}. */
export interface Parent {
  proc: ChildProcess;
  /** The pid of the command, from the watchdog's `reelay-child-pid` line the parent relays. */
  commandPid: number;
  /** Everything the parent printed so far. */
  output(): string;
}

/**
 * Starts `node -e script` with `WD` (the watchdog script) and `HELPER` (the spawn helper's
 * program) in its environment; resolves once it has printed the watchdog's pid line.
 */
export function startParent(script: string): Promise<Parent> {
  const proc = spawn(process.execPath, ['-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, WD: WATCHDOG_SCRIPT, HELPER: SPAWN_HELPER_SCRIPT },
  });
  let out = '';
  return new Promise((resolve) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /reelay-child-pid (\d+)/.exec(out);
      if (m) resolve({ proc, commandPid: Number(m[1]), output: () => out });
    });
  });
}

/** Kills the parent with SIGKILL; resolves with the ms until its command was gone (throws after 1 s). */
export function killParentAndWait(parent: Parent): Promise<number> {
  parent.proc.kill('SIGKILL');
  return pollUntil(() => !running(parent.commandPid), 1_000);
}

/** A {@link WorkTracker} that records `start <pgid>` / `end <pgid>` in `events`. */
export function recordingTracker(): { tracker: WorkTracker; events: string[] } {
  const events: string[] = [];
  const tracker: WorkTracker = {
    childStarted: (pgid) => events.push(`start ${pgid}`),
    childEnded: (pgid) => events.push(`end ${pgid}`),
    tempCreated: () => {},
    tempSettled: () => {},
  };
  return { tracker, events };
}
