import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { type CommandSpec, GLOBAL_OPTIONS, type OptionSpec, type ParsedArgs } from './command-spec.js';
import { UsageError } from './usage-error.js';

/** Heading of the global flags in every command's help. */
export const GLOBAL_GROUP = 'Global flags:';
/** Heading of the hidden testing flags in a command's help. */
export const ADVANCED_GROUP = 'Advanced (small, fast renders for tests and previews):';

/** The flags of a command: its own, then the global ones. */
export function allOptions(spec: CommandSpec): Record<string, OptionSpec> {
  return { ...spec.options, ...GLOBAL_OPTIONS };
}

/** The commander `Option` of one flag (a `no-x` flag is commander's negation of `x`). */
function toOption(name: string, o: OptionSpec, group: string | undefined): Option {
  const flags = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` <${o.valueName ?? 'VALUE'}>` : ''}`;
  const option = new Option(flags, `${o.description}${o.defaultText ? ` (default: ${o.defaultText})` : ''}`);
  if (o.type === 'string') {
    option.argParser((value: string) => {
      // `--out --json` is a forgotten value, not an output file named "--json".
      if (value.startsWith('--') && value.length > 2)
        throw new InvalidArgumentError(`--${name} needs a value (${o.valueName ?? 'VALUE'}).`);
      if (o.choices && !o.choices.includes(value))
        throw new InvalidArgumentError(`--${name} must be one of ${o.choices.join(', ')} (got "${value}").`);
      return value;
    });
    if (o.choices) option.argChoices = [...o.choices];
  }
  if (group) option.helpGroup(group);
  return option;
}

/**
 * The commander `Command` of one spec: its positionals as arguments and its flags (and the global
 * ones) as options. Help is commander's; Reelay's own `-h, --help` flag replaces the built-in one
 * so that `--help` works even when required arguments are missing.
 */
export function specCommand(spec: CommandSpec, helpWidth = 100): Command {
  const cmd = new Command(spec.name)
    .description(spec.description ?? spec.summary)
    .summary(spec.summary)
    .helpOption(false)
    .allowExcessArguments(false)
    .showSuggestionAfterError(true)
    .configureHelp({ helpWidth, sortOptions: false })
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} });
  cmd.usage(
    [...spec.positionals.map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`)), '[flags]'].join(' '),
  );
  for (const p of spec.positionals) cmd.argument(p.required ? `<${p.name}>` : `[${p.name}]`, p.description);
  for (const [name, o] of Object.entries(spec.options))
    cmd.addOption(toOption(name, o, o.hidden ? ADVANCED_GROUP : 'Flags:'));
  for (const [name, o] of Object.entries(GLOBAL_OPTIONS)) cmd.addOption(toOption(name, o, GLOBAL_GROUP));
  return cmd;
}

/** The whole `reelay` program (every command), as commander sees it. */
export function buildProgram(commands: readonly CommandSpec[], helpWidth = 100): Command {
  const program = new Command('reelay')
    .usage('<command> [arguments] [flags]')
    .helpOption(false)
    .helpCommand(false)
    .showSuggestionAfterError(true)
    .configureHelp({ helpWidth, sortOptions: false, subcommandTerm: (cmd) => cmd.name() })
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} });
  for (const spec of commands) program.addCommand(specCommand(spec, helpWidth));
  return program;
}

function values(spec: CommandSpec, opts: Record<string, unknown>): ParsedArgs['values'] {
  const out: ParsedArgs['values'] = {};
  for (const [name, o] of Object.entries(allOptions(spec))) {
    const attr = toOption(name, o, undefined).attributeName();
    const v = opts[attr];
    if (name.startsWith('no-')) {
      if (v === false) out[name] = true;
    } else if (v !== undefined) out[name] = v as string | boolean;
  }
  return out;
}

function helpRequested(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** Commander's error as a {@link UsageError} in Reelay's words (its "Did you mean …?" kept). */
function usageError(error: CommanderError, commands: readonly CommandSpec[], spec?: CommandSpec): UsageError {
  const raw = error.message.replace(/^error: /, '');
  const suggestion = /\n(\(Did you mean .*\))$/.exec(raw)?.[1];
  const hint = suggestion ? ` ${suggestion}` : '';
  const where = spec ? `\`reelay ${spec.name}\`` : '`reelay`';
  const quoted = /'([^']*)'/.exec(raw)?.[1] ?? '';
  let message: string;
  switch (error.code) {
    case 'commander.unknownCommand':
      message = `Unknown command "${quoted}"${hint || ` (commands: ${commands.map((c) => c.name).join(', ')})`}.`;
      break;
    case 'commander.unknownOption': {
      const [flag = quoted, inline] = quoted.split('=', 2);
      const known = spec ? allOptions(spec)[flag.replace(/^--/, '')] : undefined;
      if (inline !== undefined && known?.type === 'boolean') message = `Flag ${flag} takes no value.`;
      else if (/^-[^-]{2,}/.test(quoted))
        message = `Unknown flag ${quoted} for ${where} (long flags take two dashes).`;
      else message = `Unknown flag ${quoted} for ${where}.${hint}`;
      break;
    }
    case 'commander.missingArgument': {
      const missing = spec?.positionals.filter((p) => p.required).map((p) => `<${p.name}>`) ?? [];
      const from = missing.indexOf(`<${quoted}>`);
      message = `${where} needs ${(from === -1 ? [`<${quoted}>`] : missing.slice(from)).join(' ')}.`;
      break;
    }
    case 'commander.excessArguments': {
      const max = spec?.positionals.length ?? 0;
      const got = /got (\d+)/.exec(raw)?.[1] ?? '?';
      message = `${where} takes at most ${max} argument(s); got ${got}${max > 0 ? ' (quote a brief that contains spaces).' : '.'}`;
      break;
    }
    case 'commander.optionMissingArgument': {
      const name = /--([\w-]+)/.exec(quoted)?.[1] ?? quoted;
      const value = /<([^>]+)>/.exec(quoted)?.[1] ?? 'VALUE';
      message = `Flag --${name} needs a value (${value}).`;
      break;
    }
    case 'commander.invalidArgument':
      message = `Flag ${/is invalid\. (.*)$/s.exec(raw)?.[1] ?? raw}`;
      break;
    default:
      message = raw.charAt(0).toUpperCase() + raw.slice(1);
  }
  return new UsageError(message, spec?.name);
}

/** The command a command line names, and its parsed arguments. */
export interface ParsedCommandLine {
  spec: CommandSpec;
  args: ParsedArgs;
}

/**
 * Parses `reelay <command> …` with commander: picks the command (suggesting the nearest name on a
 * typo), checks flags, choices and the number of arguments. `--help` anywhere before `--` skips
 * the checks (the caller prints the help).
 *
 * @throws UsageError for every mistake (exit code 2)
 * @example
 * parseCommandLine(COMMANDS, ['status', 'job_1', '--json']);
 * // { spec: statusCommand, args: { positionals: ['job_1'], values: { json: true } } }
 */
export function parseCommandLine(
  commands: readonly CommandSpec[],
  argv: readonly string[],
): ParsedCommandLine {
  const [name, ...rest] = argv;
  const spec = commands.find((c) => c.name === name);
  if (spec && helpRequested(rest)) return { spec, args: { positionals: [], values: { help: true } } };
  const program = buildProgram(commands);
  let parsed: ParsedCommandLine | undefined;
  for (const cmd of program.commands) {
    const own = commands.find((c) => c.name === cmd.name());
    if (!own) continue;
    cmd.action((...params: unknown[]) => {
      const command = params[params.length - 1] as Command;
      parsed = {
        spec: own,
        args: { positionals: command.args.slice(), values: values(own, command.opts()) },
      };
    });
  }
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) throw usageError(error, commands, spec);
    throw error;
  }
  if (!parsed) throw new UsageError(`Unknown command "${name ?? ''}".`);
  return parsed;
}
