import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const REPO = resolve(HERE, '../..');
const MAIN = join(REPO, 'src/cli/main.ts');
const TSX = join(REPO, 'node_modules/tsx/dist/esm/index.mjs');
const PTY_DRIVER = join(HERE, 'pty-driver.py');
/** The failing TTS provider module for REELAY_TEST_PROVIDERS. */
export const FLAKY_TTS = join(HERE, 'fixtures/flaky-tts.ts');

/** A tiny, fast render: 0.1 minutes at 320×240, 15 fps, no motion. */
export const SMALL = ['--duration', '0.1', '--width', '320', '--height', '240', '--fps', '15', '--no-motion'];
/** A brief long enough to be valid. */
export const BRIEF = 'Explain how ocean tides work for curious kids, briefly.';

/** A fresh temporary directory (the CLI's data directory and cwd), removed by `cleanup`. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'reelay-cli-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The environment of a CLI run: no provider keys, no server, no config file, plus `extra`. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/API_KEY|API_SECRET|^REELAY_|^DATABASE_URL$|^REDIS_URL$|^PORT$|^HOST$/.test(name)) delete env[name];
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Result of a finished CLI process. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `reelay <args>` with plain pipes (not a terminal) and waits for it to end. */
export function runCli(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string },
): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
      cwd: options.cwd,
      env: options.env ?? cliEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** A CLI process that keeps running (serve, worker) with its output collected as it comes. */
export class CliProcess {
  readonly child: ChildProcess;
  output = '';
  readonly exited: Promise<number | null>;
  private readonly watchers = new Set<() => void>();

  constructor(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
    this.child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const collect = (d: Buffer): void => {
      this.output += d.toString('utf8');
      for (const w of this.watchers) w();
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.exited = new Promise((r) => this.child.on('close', (code) => r(code)));
  }

  /** `reelay <args>` as a long-running process with plain pipes. */
  static cli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): CliProcess {
    return new CliProcess(process.execPath, ['--import', TSX, MAIN, ...args], {
      cwd: options.cwd,
      env: options.env ?? cliEnv(),
    });
  }

  /** `reelay <args>` in a pseudo-terminal of 100×30 (the child sees a TTY on stdin/stdout/stderr). */
  static pty(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): CliProcess {
    return new CliProcess(
      'python3',
      [PTY_DRIVER, '100', '30', '--', process.execPath, '--import', TSX, MAIN, ...args],
      { cwd: options.cwd, env: options.env ?? cliEnv() },
    );
  }

  /** Resolves with the match once the output matches `pattern`; rejects after `timeoutMs` or at exit. */
  waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    return new Promise((resolvePromise, reject) => {
      const check = (): void => {
        const m = this.output.match(pattern);
        if (m) {
          done();
          resolvePromise(m);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${pattern}; output so far:\n${this.output}`));
      }, timeoutMs);
      const onExit = (): void => {
        check();
        done();
        reject(new Error(`process exited before ${pattern}; output:\n${this.output}`));
      };
      const done = (): void => {
        clearTimeout(timer);
        this.watchers.delete(check);
        this.child.off('close', onExit);
      };
      this.watchers.add(check);
      this.child.on('close', onExit);
      check();
    });
  }

  /** Types into the process's stdin (through the terminal for `pty`). */
  write(text: string): void {
    this.child.stdin?.write(text);
  }

  /** Kills the process if it still runs. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/** The output with terminal control sequences removed and carriage returns as newlines. */
export function plain(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping terminal escape codes
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r\n?/g, '\n');
}
