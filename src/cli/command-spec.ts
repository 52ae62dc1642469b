import type { CliIo } from './cli-io.js';

/** One `--flag` of a command. */
export interface OptionSpec {
  /** `string` flags take a value (`--port 8080` or `--port=8080`); `boolean` flags do not. */
  type: 'string' | 'boolean';
  /** One-letter alias, without the dash. */
  short?: string;
  /** What the flag does (shown in help). */
  description: string;
  /** Placeholder of the value in help, e.g. `N`, `URL`. @default 'VALUE' */
  valueName?: string;
  /** Default shown in help (the command applies it). */
  defaultText?: string;
  /** Accepted values; anything else is a usage error (exit 2). */
  choices?: readonly string[];
  /** Left out of the help's flag list (testing aids are still listed under "Testing"). */
  hidden?: boolean;
}

/** One positional argument of a command. */
export interface PositionalSpec {
  name: string;
  description: string;
  required: boolean;
}

/** Arguments after parsing. */
export interface ParsedArgs {
  positionals: string[];
  /** Flag values by long name; booleans are `true` when given. */
  values: Record<string, string | boolean | undefined>;
}

/** What a command receives besides its arguments. */
export interface CommandContext {
  io: CliIo;
  /** The package version (`reelay --version`). */
  version: string;
  /** Every command of this program (for `reelay completion`). */
  commands?: readonly CommandSpec[];
}

/**
 * A `reelay` sub-command: its arguments and flags (help and parsing are generated from them) and
 * what it does. `run` resolves with the exit code (see `exit-codes.ts`).
 */
export interface CommandSpec {
  name: string;
  /** One line for `reelay --help`. */
  summary: string;
  /** Longer text for `reelay <name> --help`. */
  description?: string;
  positionals: PositionalSpec[];
  options: Record<string, OptionSpec>;
  examples?: string[];
  run(ctx: CommandContext, args: ParsedArgs): Promise<number>;
}

/** Flags every command accepts. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  server: {
    type: 'string',
    valueName: 'URL',
    description:
      'Talk to a running `reelay serve` at URL instead of the local data directory (env REELAY_SERVER)',
  },
  'api-key': {
    type: 'string',
    valueName: 'KEY',
    description: 'Bearer key for --server (env REELAY_API_KEY); never printed',
  },
  'data-dir': {
    type: 'string',
    valueName: 'DIR',
    description: 'Local data directory (env REELAY_DATA_DIR)',
    defaultText: './data',
  },
  json: { type: 'boolean', description: 'Print machine-readable JSON instead of text' },
  help: { type: 'boolean', short: 'h', description: 'Show help for this command' },
};
