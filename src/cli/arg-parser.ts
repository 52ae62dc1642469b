import type { CommandSpec, ParsedArgs } from './command-spec.js';
import { parseCommandLine } from './commander-program.js';
import { UsageError } from './usage-error.js';

/**
 * Parses one command's arguments (after its name) against its spec and the global flags, with
 * commander: `--name value`, `--name=value`, `-x value`, booleans as `--name`, `--` to end flags.
 * Unknown flags (with a suggestion), missing values, values outside `choices` and a wrong number
 * of positionals throw a {@link UsageError}.
 *
 * @example
 * parseArgs(generateCommand, ['A brief about tides', '--duration', '0.5']);
 * // { positionals: ['A brief about tides'], values: { duration: '0.5' } }
 */
export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  return parseCommandLine([spec], [spec.name, ...argv]).args;
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
