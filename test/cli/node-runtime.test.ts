import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MALLOC_ENV, DEFAULT_NODE_FLAGS, nodeRuntimePlan } from '../../bin/node-runtime.js';
import { MEMORY_SETTINGS } from '../../src/cli/memory-settings.js';
import { cliEnv, REPO, tempDir } from './cli-harness.js';

const BIN = join(REPO, 'bin/reelay.js');
const plan = (
  argv: string[],
  env: Record<string, string> = {},
  execArgv: string[] = [],
  platform = 'linux',
) => nodeRuntimePlan({ argv, env, execArgv, platform });

describe('nodeRuntimePlan: which runs re-execute, with what', () => {
  it('serve and worker get the default flags and the malloc settings', () => {
    expect(plan(['serve', '--port', '0'])).toEqual({
      flags: ['--max-semi-space-size=4', '--flush-baseline-code'],
      env: DEFAULT_MALLOC_ENV,
    });
    expect(plan(['worker'])?.flags).toEqual(DEFAULT_NODE_FLAGS);
  });

  it('every other command, help and no command run as they are', () => {
    for (const argv of [
      [],
      ['--help'],
      ['--version'],
      ['generate', 'x'],
      ['serve', '--help'],
      ['worker', '-h'],
    ])
      expect(plan(argv)).toBeUndefined();
  });

  it('after the re-exec nothing is left to add, so it never loops', () => {
    const first = plan(['serve']);
    expect(first).toBeDefined();
    expect(plan(['serve'], first?.env, first?.flags)).toBeUndefined();
  });

  it("the user's own flag (command line or NODE_OPTIONS, - or _, --no-) and malloc variables win", () => {
    const flush = ['--flush-baseline-code'];
    expect(
      plan(['serve'], { ...DEFAULT_MALLOC_ENV }, ['--max-semi-space-size=16', ...flush]),
    ).toBeUndefined();
    expect(
      plan(['serve'], {
        ...DEFAULT_MALLOC_ENV,
        NODE_OPTIONS: '--max_semi_space_size=32 --no-flush-baseline-code',
      }),
    ).toBeUndefined();
    expect(
      plan(['serve'], { ...DEFAULT_MALLOC_ENV, NODE_OPTIONS: '--max_semi_space_size=32' })?.flags,
    ).toEqual(flush);
    expect(plan(['serve'], { MALLOC_ARENA_MAX: '8' })?.env).toEqual({
      MALLOC_TRIM_THRESHOLD_: '131072',
      MALLOC_MMAP_THRESHOLD_: '65536',
      MALLOC_TOP_PAD_: '0',
    });
  });

  it('REELAY_NODE_OPTIONS replaces the flags; empty keeps only malloc; off turns it all off', () => {
    expect(plan(['serve'], { REELAY_NODE_OPTIONS: '--max-semi-space-size=8 --trace-gc' })?.flags).toEqual([
      '--max-semi-space-size=8',
      '--trace-gc',
    ]);
    expect(plan(['serve'], { REELAY_NODE_OPTIONS: '' })).toEqual({ flags: [], env: DEFAULT_MALLOC_ENV });
    expect(plan(['serve'], { REELAY_NODE_OPTIONS: 'off' })).toBeUndefined();
  });

  it('the help text of serve and worker names the settings actually applied', () => {
    for (const flag of DEFAULT_NODE_FLAGS) expect(MEMORY_SETTINGS).toContain(flag);
    for (const [key, value] of Object.entries(DEFAULT_MALLOC_ENV))
      expect(MEMORY_SETTINGS).toContain(`${key}=${value}`);
  });

  it('malloc settings only on Linux (glibc reads them; elsewhere they mean nothing)', () => {
    expect(plan(['serve'], {}, [], 'darwin')).toEqual({ flags: DEFAULT_NODE_FLAGS, env: {} });
  });
});

const reexecWorks = process.platform === 'linux' && typeof process.execve === 'function';

/** Runs the real bin (`node bin/reelay.js …`) with plain pipes. */
function bin(args: string[], env: NodeJS.ProcessEnv, cwd: string) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
  });
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exit, out: () => stdout, err: () => stderr };
}

describe.skipIf(!reexecWorks)('bin/reelay.js re-executes serve and worker in the same process', () => {
  let running: ChildProcess | undefined;
  afterEach(() => {
    running?.kill('SIGKILL');
    running = undefined;
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'serve runs with the flag and malloc settings under its own pid; %s stops it cleanly (exit 0)',
    async (signal) => {
      const { dir, cleanup } = await tempDir();
      try {
        const run = bin(
          ['serve', '--port', '0', '--json'],
          cliEnv({ REELAY_DATA_DIR: join(dir, 'data') }),
          dir,
        );
        running = run.child;
        const pid = run.child.pid as number;
        for (let i = 0; i < 1200 && !run.out().includes('"listening"'); i++)
          await new Promise((r) => setTimeout(r, 50));
        expect(run.out()).toContain('"listening"');
        // The process we spawned is the server itself: execve kept its pid.
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        expect(cmdline).toContain('--max-semi-space-size=4');
        expect(cmdline).toContain('--flush-baseline-code');
        const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
        expect(environ).toContain('MALLOC_ARENA_MAX=2');
        expect(environ).toContain('MALLOC_TRIM_THRESHOLD_=131072');
        expect(environ).toContain('MALLOC_MMAP_THRESHOLD_=65536');
        expect(environ).toContain('MALLOC_TOP_PAD_=0');
        run.child.kill(signal);
        expect(await run.exit).toEqual({ code: 0, signal: null });
        expect(run.out()).toContain(`Received ${signal}`);
        expect(run.out()).toContain('Stopped.');
      } finally {
        await cleanup();
      }
    },
    90_000,
  );

  it("the re-executed process's exit code is the command's (worker usage error → 2)", async () => {
    const { dir, cleanup } = await tempDir();
    try {
      // --trace-exit makes Node name the exit it performs: proof the flag reached the worker process.
      const run = bin(
        ['worker', '--server', 'http://x'],
        cliEnv({ REELAY_NODE_OPTIONS: '--trace-exit' }),
        dir,
      );
      expect(await run.exit).toEqual({ code: 2, signal: null });
      expect(run.err()).toMatch(/--server does not apply/);
      expect(run.err()).toMatch(/Exited the environment with code 2/);
    } finally {
      await cleanup();
    }
  }, 60_000);

  it('other commands do not re-execute (no flag in effect)', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const run = bin(['--version'], cliEnv({ REELAY_NODE_OPTIONS: '--trace-exit' }), dir);
      expect(await run.exit).toEqual({ code: 0, signal: null });
      expect(run.out()).toMatch(/^reelay \d/);
      expect(run.err()).not.toMatch(/Exited the environment/);
    } finally {
      await cleanup();
    }
  }, 60_000);
});
