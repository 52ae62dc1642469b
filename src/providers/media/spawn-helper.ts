import { type ChildProcess, spawn } from 'node:child_process';
import { directLaunch, type Launcher, type LaunchHandlers, type LaunchOptions } from './process-launch.js';
import { SPAWN_HELPER_SCRIPT } from './spawn-helper-script.js';

/** The `code` of the error a command reports when the spawn helper running it was lost. */
export const SPAWN_HELPER_LOST = 'REELAY_SPAWN_HELPER_LOST';

interface Running {
  readonly handlers: LaunchHandlers;
  pid: number | undefined;
  exited: boolean;
}

type HelperMessage =
  | { t: 'p'; id: number; pid: number }
  | { t: 'o' | 'r'; id: number; d: string }
  | {
      t: 'e';
      id: number;
      e: { message: string; code?: string; errno?: number; syscall?: string; path?: string };
    }
  | { t: 'c'; id: number; code: number | null; sig: NodeJS.Signals | null };

/**
 * A small long-lived Node process that starts media processes on this process's behalf.
 *
 * On Linux `child_process.spawn` forks the calling process, and the fork copies its page tables
 * while its event loop waits: 2.7 ms at 87 MB of resident memory, ≈ 56 ms at 300 MB
 * (`bench/spawn-cost.ts`). A worker rendering a job spawns FFmpeg, FFprobe and a TTS engine dozens
 * of times, and each spawn delayed the job's live events. The helper is started once, while the
 * worker is still small, and forks itself (≈ 45 MB) instead; the worker only exchanges a few IPC
 * messages per command. Commands keep every guarantee of `runProcess`: they run under the watchdog
 * in their own process group, which this process signals directly; if this process dies (even
 * `kill -9`) the helper's channel closes, it exits, and the watchdogs end the groups; if the helper
 * dies, its commands die with it and report an error with code {@link SPAWN_HELPER_LOST}, and the
 * next command starts a new helper.
 */
export class SpawnHelper {
  private child: ChildProcess | undefined;
  private readonly running = new Map<number, Running>();
  private nextId = 1;
  private stopWhenIdle = false;

  /** The helper's pid while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the helper now, if it is not running (best at start-up, while this process is small). */
  start(): void {
    if (this.child === undefined) this.child = this.boot();
    this.stopWhenIdle = false;
  }

  /** Ends the helper once no command it started is running (at once when none is). */
  stop(): void {
    this.stopWhenIdle = true;
    if (this.running.size === 0) this.end();
  }

  /** A {@link Launcher} that starts processes through the helper (starting it when needed). */
  readonly launch: Launcher = (file, argv, options, handlers) => {
    this.start();
    const child = this.child!;
    const id = this.nextId++;
    const run: Running = { handlers, pid: undefined, exited: false };
    if (this.running.size === 0) this.hold(child, true);
    this.running.set(id, run);
    child.send(request(id, file, argv, options));
    return {
      get pid() {
        return run.pid;
      },
      get exited() {
        return run.exited;
      },
      kill: (signal) => {
        if (!run.exited && child.connected) child.send({ t: 'k', id, sig: signal });
      },
    };
  };

  private boot(): ChildProcess {
    const child = spawn(process.execPath, ['--max-semi-space-size=1', '-e', SPAWN_HELPER_SCRIPT], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    child.on('message', (message: HelperMessage) => this.receive(message));
    child.once('error', (error) => this.lost(child, `could not start: ${error.message}`));
    child.once('exit', (code, signal) =>
      this.lost(child, signal ? `ended by ${signal}` : `exited with code ${code}`),
    );
    this.hold(child, false);
    return child;
  }

  private receive(message: HelperMessage): void {
    const run = this.running.get(message.id);
    if (run === undefined) return;
    switch (message.t) {
      case 'p':
        run.pid = message.pid;
        run.handlers.spawned(message.pid);
        break;
      case 'o':
        run.handlers.stdout(message.d);
        break;
      case 'r':
        run.handlers.stderr(message.d);
        break;
      case 'e':
        run.handlers.error(Object.assign(new Error(message.e.message), withoutUndefined(message.e)));
        break;
      case 'c':
        run.exited = true;
        this.settle(message.id);
        run.handlers.close(message.code, message.sig);
        break;
    }
  }

  /** The helper is gone: its commands died with it (their watchdogs' pipes closed). */
  private lost(child: ChildProcess, how: string): void {
    if (this.child !== child) return;
    this.child = undefined;
    const runs = [...this.running.values()];
    this.running.clear();
    for (const run of runs) {
      run.exited = true;
      const error = new Error(
        `the spawn helper (pid ${child.pid ?? '?'}) ${how}; the command it was running was ended with it`,
      );
      run.handlers.error(Object.assign(error, { code: SPAWN_HELPER_LOST }));
    }
  }

  private settle(id: number): void {
    this.running.delete(id);
    if (this.running.size > 0 || this.child === undefined) return;
    if (this.stopWhenIdle) this.end();
    else this.hold(this.child, false);
  }

  private end(): void {
    const child = this.child;
    this.child = undefined;
    if (child?.connected) child.disconnect();
  }

  /** The helper keeps this process alive only while one of its commands runs. */
  private hold(child: ChildProcess, ref: boolean): void {
    if (ref) {
      child.ref();
      child.channel?.ref();
    } else {
      child.unref();
      child.channel?.unref();
    }
  }
}

function request(id: number, file: string, argv: readonly string[], options: LaunchOptions): object {
  return {
    t: 's',
    id,
    file,
    argv,
    cwd: options.cwd,
    // The environment at the time of the call, as `spawn` in this process would pass it.
    env: process.env,
    detached: options.detached,
    keep: options.keepStdinOpen,
  };
}

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && k !== 'message'));
}

let shared: SpawnHelper | undefined;
let users = 0;

/**
 * Starts the process-wide spawn helper (or counts one more user of it) and returns the function
 * that releases it; the helper ends when its last user releases it and its commands have ended.
 * While it is in use, supervised media processes (`runProcess`) start through it.
 */
export function acquireSpawnHelper(): () => void {
  shared ??= new SpawnHelper();
  shared.start();
  users += 1;
  const helper = shared;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    users -= 1;
    if (users === 0 && shared === helper) {
      shared = undefined;
      helper.stop();
    }
  };
}

/** The launcher supervised media processes use now: the spawn helper while acquired, else direct. */
export function supervisedLauncher(): Launcher {
  return shared?.launch ?? directLaunch;
}

/** The process-wide spawn helper while acquired (for tests and diagnostics). */
export function sharedSpawnHelper(): SpawnHelper | undefined {
  return shared;
}
