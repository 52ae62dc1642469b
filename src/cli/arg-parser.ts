import { type CommandSpec, GLOBAL_OPTIONS, type OptionSpec, type ParsedArgs } from './command-spec.js';
import { UsageError } from './usage-error.js';

function allOptions(spec: CommandSpec): Record<string, OptionSpec> {
  return { ...GLOBAL_OPTIONS, ...spec.options };
}

function findShort(options: Record<string, OptionSpec>, letter: string): string | undefined {
  return Object.entries(options).find(([, o]) => o.short === letter)?.[0];
}

/**
 * Parses a command's arguments against its spec (and the global flags): `--name value`,
 * `--name=value`, `-x value`, booleans as `--name`, and `--` to end flags. Unknown flags, missing
 * values, values outside `choices` and a wrong number of positionals throw a {@link UsageError}.
 *
 * @example
 * parseArgs(generateCommand, ['A brief about tides', '--duration', '0.5']);
 * // { positionals: ['A brief about tides'], values: { duration: '0.5' } }
 */
export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const options = allOptions(spec);
  const values: ParsedArgs['values'] = {};
  const positionals: string[] = [];
  const where = `\`reelay ${spec.name}\``;
  let flagsEnded = false;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (flagsEnded || !token.startsWith('-') || token === '-') {
      positionals.push(token);
      continue;
    }
    if (token === '--') {
      flagsEnded = true;
      continue;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      name = eq === -1 ? token.slice(2) : token.slice(2, eq);
      inline = eq === -1 ? undefined : token.slice(eq + 1);
    } else if (token.length === 2) {
      name = findShort(options, token.slice(1));
      if (name === undefined) throw new UsageError(`Unknown flag ${token} for ${where}.`, spec.name);
    } else if (/^-\d/.test(token)) {
      positionals.push(token);
      continue;
    } else {
      throw new UsageError(`Unknown flag ${token} for ${where} (long flags take two dashes).`, spec.name);
    }
    const option = options[name];
    if (!option) throw new UsageError(`Unknown flag --${name} for ${where}.`, spec.name);
    if (option.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`Flag --${name} takes no value.`, spec.name);
      values[name] = true;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new UsageError(`Flag --${name} needs a value (${option.valueName ?? 'VALUE'}).`, spec.name);
      }
      value = next;
      i++;
    }
    if (option.choices && !option.choices.includes(value)) {
      throw new UsageError(
        `Flag --${name} must be one of ${option.choices.join(', ')} (got "${value}").`,
        spec.name,
      );
    }
    values[name] = value;
  }
  if (values.help === true) return { positionals, values };
  const required = spec.positionals.filter((p) => p.required).length;
  if (positionals.length < required) {
    const missing = spec.positionals.slice(positionals.length).filter((p) => p.required);
    throw new UsageError(`${where} needs ${missing.map((p) => `<${p.name}>`).join(' ')}.`, spec.name);
  }
  if (positionals.length > spec.positionals.length) {
    throw new UsageError(
      `${where} takes at most ${spec.positionals.length} argument(s); got ${positionals.length}` +
        (spec.positionals.length > 0 ? ' (quote a brief that contains spaces).' : '.'),
      spec.name,
    );
  }
  return { positionals, values };
}

/** A string flag's value, or undefined. */
export function stringValue(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** Options of {@link numberValue}. */
export interface NumberRule {
  integer?: boolean;
  min?: number;
  max?: number;
}

/** A numeric flag's value (undefined when absent); a {@link UsageError} when not a number in range. */
export function numberValue(args: ParsedArgs, name: string, rule: NumberRule = {}): number | undefined {
  const raw = stringValue(args, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  const kind = rule.integer ? 'an integer' : 'a number';
  const range =
    rule.min !== undefined && rule.max !== undefined
      ? ` from ${rule.min} to ${rule.max}`
      : rule.min !== undefined
        ? ` of at least ${rule.min}`
        : '';
  const bad =
    raw.trim() === '' ||
    !Number.isFinite(n) ||
    (rule.integer === true && !Number.isInteger(n)) ||
    (rule.min !== undefined && n < rule.min) ||
    (rule.max !== undefined && n > rule.max);
  if (bad) throw new UsageError(`Flag --${name} must be ${kind}${range} (got "${raw}").`);
  return n;
}
