import { readFileSync } from 'node:fs';
import { parseArgs } from './arg-parser.js';
import { serverUrl } from './cli-backend.js';
import type { CliIo } from './cli-io.js';
import type { CommandSpec } from './command-spec.js';
import { COMMANDS } from './commands/index.js';
import { reportError } from './error-report.js';
import { EXIT_CODES } from './exit-codes.js';
import { commandHelp, globalHelp } from './help-text.js';
import { UsageError } from './usage-error.js';

/** The package version, read from package.json next to `src/` or `dist/`. */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** The commands to offer. @default COMMANDS */
  commands?: readonly CommandSpec[];
  /** @default packageVersion() */
  version?: string;
}

/**
 * Runs the `reelay` command line: picks the command, parses its flags, runs it, and turns any
 * error into a clear message and the documented exit code (see `exit-codes.ts`). Never throws.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), processIo());
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  options: RunCliOptions = {},
): Promise<number> {
  const commands = options.commands ?? COMMANDS;
  const version = options.version ?? packageVersion();
  const debug = io.env.REELAY_DEBUG === '1';
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr.write(globalHelp(commands));
    return EXIT_CODES.usage;
  }
  if (first === '--help' || first === '-h') {
    io.stdout.write(globalHelp(commands));
    return EXIT_CODES.ok;
  }
  if (first === '--version' || first === '-v' || first === 'version') {
    io.stdout.write(`reelay ${version}\n`);
    return EXIT_CODES.ok;
  }
  const byName = new Map(commands.map((c) => [c.name, c]));
  if (first === 'help') {
    const target = rest[0] ? byName.get(rest[0]) : undefined;
    if (rest[0] && !target) return fail(io, new UsageError(`Unknown command "${rest[0]}".`), debug);
    io.stdout.write(target ? commandHelp(target) : globalHelp(commands));
    return EXIT_CODES.ok;
  }
  const command = byName.get(first);
  if (!command) {
    const hint = first.startsWith('-')
      ? 'put the command first'
      : `commands: ${commands.map((c) => c.name).join(', ')}`;
    return fail(io, new UsageError(`Unknown command "${first}" (${hint}).`), debug);
  }
  try {
    const args = parseArgs(command, rest);
    if (args.values.help === true) {
      io.stdout.write(commandHelp(command));
      return EXIT_CODES.ok;
    }
    try {
      return await command.run({ io, version }, args);
    } catch (error) {
      const server = serverUrl(io, args);
      return fail(io, error, debug, command.name, server);
    }
  } catch (error) {
    return fail(io, error, debug, command.name);
  }
}

function fail(io: CliIo, error: unknown, debug: boolean, command?: string, server?: string): number {
  const report = reportError(error, {
    debug,
    ...(command ? { command } : {}),
    ...(server ? { server } : {}),
  });
  io.stderr.write(report.text);
  return report.exitCode;
}
