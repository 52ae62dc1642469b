import { type CommandSpec, GLOBAL_OPTIONS, type OptionSpec } from './command-spec.js';
import { EXIT_CODES } from './exit-codes.js';

function optionLines(options: Record<string, OptionSpec>, includeHidden: boolean): string[] {
  const rows = Object.entries(options)
    .filter(([, o]) => includeHidden || !o.hidden)
    .map(([name, o]) => {
      const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}`;
      const extra = [
        o.choices ? `one of ${o.choices.join(', ')}` : '',
        o.defaultText ? `default ${o.defaultText}` : '',
      ].filter(Boolean);
      return [flag, `${o.description}${extra.length > 0 ? ` (${extra.join('; ')})` : ''}`] as const;
    });
  const width = Math.max(0, ...rows.map(([flag]) => flag.length)) + 2;
  return rows.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`);
}

/** The exit-code table printed in help. */
export function exitCodeLines(): string[] {
  return [
    `  ${EXIT_CODES.ok}    done`,
    `  ${EXIT_CODES.failed}    the job failed, or the command failed (unknown job, conflict, server error)`,
    `  ${EXIT_CODES.usage}    bad usage or an invalid request (the invalid fields are listed)`,
    `  ${EXIT_CODES.canceled}    the job was canceled`,
    `  ${EXIT_CODES.unavailable}    the server cannot be reached, or a pre-flight check failed`,
    `  ${EXIT_CODES.interrupted}  interrupted with Ctrl-C (the job is canceled first)`,
  ];
}

/** `reelay <command> --help`: usage line, description, arguments, flags, examples. */
export function commandHelp(spec: CommandSpec): string {
  const usage = [
    'reelay',
    spec.name,
    ...spec.positionals.map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`)),
    '[flags]',
  ].join(' ');
  const lines = [`Usage: ${usage}`, '', spec.description ?? spec.summary, ''];
  if (spec.positionals.length > 0) {
    lines.push('Arguments:');
    const width = Math.max(...spec.positionals.map((p) => p.name.length)) + 4;
    for (const p of spec.positionals)
      lines.push(`  ${`<${p.name}>`.padEnd(width)}${p.description}${p.required ? '' : ' (optional)'}`);
    lines.push('');
  }
  const visible = Object.values(spec.options).some((o) => !o.hidden);
  if (visible) lines.push('Flags:', ...optionLines(spec.options, false), '');
  const hidden = Object.fromEntries(Object.entries(spec.options).filter(([, o]) => o.hidden));
  if (Object.keys(hidden).length > 0)
    lines.push('Advanced (small, fast renders for tests and previews):', ...optionLines(hidden, true), '');
  lines.push('Global flags:', ...optionLines(GLOBAL_OPTIONS, false), '');
  if (spec.examples && spec.examples.length > 0)
    lines.push('Examples:', ...spec.examples.map((e) => `  ${e}`), '');
  lines.push('Exit codes:', ...exitCodeLines(), '');
  return lines.join('\n');
}

/** `reelay --help`: every command with its summary, global flags and environment. */
export function globalHelp(commands: readonly CommandSpec[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'Usage: reelay <command> [arguments] [flags]',
    '',
    'Reelay turns a written brief into a narrated video through AI providers, and stays',
    'dependable when they are slow, stalled, rate limited or down.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Global flags:',
    ...optionLines(GLOBAL_OPTIONS, false),
    '  -v, --version       Print the version',
    '',
    'Environment:',
    '  REELAY_SERVER, REELAY_API_KEY   defaults of --server and --api-key',
    '  REELAY_DATA_DIR, REELAY_CONFIG  local data directory and config file (see README)',
    '  REELAY_LOG_LEVEL                structured log level on stderr (default: info for serve and worker, silent otherwise)',
    '  REELAY_DEBUG=1                  print stack traces of unexpected errors',
    '  REELAY_TEST_PROVIDERS=<module>  testing aid: a module whose `providers` export is registered',
    '',
    'Run `reelay <command> --help` for the flags of a command.',
    '',
    'Exit codes:',
    ...exitCodeLines(),
    '',
  ].join('\n');
}
