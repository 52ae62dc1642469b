// The process settings of Reelay's long-running commands (`reelay serve`, `reelay worker`).
// Plain JavaScript next to bin/reelay.js: it is decided before any TypeScript loads, and the soak
// benchmark (bench/lib/spawn-server.ts) starts its server with the same settings.
// docs/memory.md says what each setting does and what it was measured to save.

/**
 * Node flags the long-running commands run with unless REELAY_NODE_OPTIONS says otherwise:
 * - `--max-semi-space-size=4`: V8's young generation (two semi-spaces) may otherwise grow to
 *   2 × 64 MB under a burst of allocation, and the pages it used stay resident after it shrinks back;
 * - `--flush-baseline-code`: V8 drops the baseline (Sparkplug) code of functions that have not run
 *   for a while, as it already does with their bytecode; otherwise that code stays for the life of
 *   the process and the code space grows slowly as rarely used paths get compiled.
 */
export const DEFAULT_NODE_FLAGS = ['--max-semi-space-size=4', '--flush-baseline-code'];

/**
 * glibc malloc settings added to the environment when not set already: at most two arenas instead
 * of one per thread (8 × cores); a fixed trim threshold and no top padding, so freed memory at the
 * top of the heap goes back to the system; blocks of 64 KiB and more (stream and pipe chunks) in
 * their own mappings, returned to the system when freed instead of leaving holes in the heap.
 */
export const DEFAULT_MALLOC_ENV = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_TRIM_THRESHOLD_: '131072',
  MALLOC_MMAP_THRESHOLD_: '65536',
  MALLOC_TOP_PAD_: '0',
};

/** The commands that run for days and get these settings. */
export const LONG_RUNNING_COMMANDS = ['serve', 'worker'];

/**
 * What `bin/reelay.js` should re-execute itself with, or `undefined` to run as it is.
 *
 * - Only for `serve` and `worker` (the command is always the first argument), and not for their
 *   `--help`.
 * - `REELAY_NODE_OPTIONS` replaces {@link DEFAULT_NODE_FLAGS} (space-separated; empty = none);
 *   `REELAY_NODE_OPTIONS=off` turns the whole mechanism off.
 * - A flag whose name is already in the Node command line or in `NODE_OPTIONS` is the user's
 *   choice and is not added again; a malloc variable already in the environment is kept.
 * - Nothing left to add (which is also the case right after the re-exec) → `undefined`.
 *
 * @param {{ argv: readonly string[], env: Record<string, string | undefined>, execArgv: readonly string[], platform: string }} current
 *   `argv` is the command line after the script (`process.argv.slice(2)`).
 * @returns {{ flags: string[], env: Record<string, string> } | undefined} the Node flags to add
 *   before the script and the variables to add to the environment.
 */
export function nodeRuntimePlan({ argv, env, execArgv, platform }) {
  if (!LONG_RUNNING_COMMANDS.includes(argv[0] ?? '')) return undefined;
  if (argv.includes('--help') || argv.includes('-h')) return undefined;
  const requested = env.REELAY_NODE_OPTIONS;
  if (requested?.trim() === 'off') return undefined;
  const wanted =
    requested === undefined ? DEFAULT_NODE_FLAGS : requested.split(/\s+/).filter((f) => f !== '');
  const present = new Set(
    [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)].map(flagName).filter((n) => n !== ''),
  );
  const flags = wanted.filter((flag) => !present.has(flagName(flag)));
  /** @type {Record<string, string>} */
  const mallocEnv = {};
  if (platform === 'linux') {
    for (const [key, value] of Object.entries(DEFAULT_MALLOC_ENV))
      if (env[key] === undefined) mallocEnv[key] = value;
  }
  if (flags.length === 0 && Object.keys(mallocEnv).length === 0) return undefined;
  return { flags, env: mallocEnv };
}

/**
 * `--max-semi-space-size=4` → `--max-semi-space-size`; V8 accepts `_` for `-` in names, and
 * `--no-flush-baseline-code` is the same flag as `--flush-baseline-code` (turned off).
 * @param {string} flag
 */
function flagName(flag) {
  return flag.trim().split('=')[0].replaceAll('_', '-').replace(/^--no-/, '--');
}

/**
 * Replaces this process with `node <execArgv> <plan.flags> <script> <args>` and the extra
 * environment, through `process.execve` (Node ≥ 22.15, POSIX): the same process id, so signals,
 * the exit code and a supervisor's view of the process stay exactly as without it. Returns only
 * when there is nothing to do or `process.execve` is missing (Windows, older Node): then the
 * command runs with Node's defaults.
 * @param {NodeJS.Process} proc
 */
export function applyNodeRuntime(proc) {
  const plan = nodeRuntimePlan({
    argv: proc.argv.slice(2),
    env: proc.env,
    execArgv: proc.execArgv,
    platform: proc.platform,
  });
  if (!plan || typeof proc.execve !== 'function') return;
  proc.execve(
    proc.execPath,
    [proc.execPath, ...proc.execArgv, ...plan.flags, ...proc.argv.slice(1)],
    { ...proc.env, ...plan.env },
  );
}
