import { readFileSync } from 'node:fs';
import { serverUrl } from './cli-backend.js';
import type { CliIo } from './cli-io.js';
import type { CommandSpec } from './command-spec.js';
import { type ParsedCommandLine, parseCommandLine } from './commander-program.js';
import { COMMANDS } from './commands/index.js';
import { errorJson, reportError } from './error-report.js';
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
  const json = wantsJson(argv);
  const width = io.stdout.columns ?? 100;
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr.write(globalHelp(commands, width));
    return EXIT_CODES.usage;
  }
  if (first === '--help' || first === '-h') {
    io.stdout.write(globalHelp(commands, width));
    return EXIT_CODES.ok;
  }
  if (first === '--version' || first === '-v' || first === 'version') {
    io.stdout.write(json ? `${JSON.stringify({ version })}\n` : `reelay ${version}\n`);
    return EXIT_CODES.ok;
  }
  if (first === 'help') {
    const target = rest[0] ? commands.find((c) => c.name === rest[0]) : undefined;
    if (rest[0] && !target) return fail(io, new UsageError(`Unknown command "${rest[0]}".`), { debug, json });
    io.stdout.write(target ? commandHelp(target, width) : globalHelp(commands, width));
    return EXIT_CODES.ok;
  }
  if (first.startsWith('-'))
    return fail(io, new UsageError(`Unknown command "${first}" (put the command first).`), { debug, json });
  let parsed: ParsedCommandLine;
  try {
    parsed = parseCommandLine(commands, argv);
  } catch (error) {
    return fail(io, error, { debug, json });
  }
  const { spec: command, args } = parsed;
  if (args.values.help === true) {
    io.stdout.write(commandHelp(command, width));
    return EXIT_CODES.ok;
  }
  try {
    return await command.run({ io, version, commands }, args);
  } catch (error) {
    const server = serverUrl(io, args);
    return fail(io, error, { debug, json, command: command.name, ...(server ? { server } : {}) });
  }
}

/** True when `--json` is among the flags (before `--`): errors are then printed as JSON. */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

interface FailContext {
  debug: boolean;
  json: boolean;
  command?: string;
  server?: string;
}

function fail(io: CliIo, error: unknown, context: FailContext): number {
  const { json, ...options } = context;
  const report = reportError(error, options);
  if (json) io.stdout.write(`${JSON.stringify(errorJson(error, report))}\n`);
  else io.stderr.write(report.text);
  return report.exitCode;
}
