// Types of bin/node-runtime.js (plain JavaScript: it runs before any TypeScript loads).

/** Node flags of `reelay serve` / `reelay worker` unless REELAY_NODE_OPTIONS says otherwise. */
export declare const DEFAULT_NODE_FLAGS: readonly string[];
/** glibc malloc variables added when not set already (Linux only). */
export declare const DEFAULT_MALLOC_ENV: Readonly<Record<string, string>>;
/** The commands that get these settings. */
export declare const LONG_RUNNING_COMMANDS: readonly string[];

/** The flags and environment to re-execute with, or `undefined` to run as it is. */
export declare function nodeRuntimePlan(current: {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  execArgv: readonly string[];
  platform: string;
}): { flags: string[]; env: Record<string, string> } | undefined;

/** Re-executes the process with {@link nodeRuntimePlan}'s settings (process.execve), when there are any. */
export declare function applyNodeRuntime(proc: NodeJS.Process): void;
