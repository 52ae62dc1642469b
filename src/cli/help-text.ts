import { type CommandSpec, GLOBAL_OPTIONS } from './command-spec.js';
import { buildProgram } from './commander-program.js';
import { EXIT_CODES } from './exit-codes.js';

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

/**
 * `reelay <command> --help`: commander's help (usage line, description, arguments, flags grouped
 * as the command's own, advanced and global), then examples and the exit codes.
 */
export function commandHelp(spec: CommandSpec, width = 100): string {
  const cmd = buildProgram([spec], width).commands[0];
  const lines = [cmd?.helpInformation().trimEnd() ?? '', ''];
  if (spec.examples && spec.examples.length > 0)
    lines.push('Examples:', ...spec.examples.map((e) => `  ${e}`), '');
  lines.push('Exit codes:', ...exitCodeLines(), '');
  return lines.join('\n');
}

/** `reelay --help`: every command with its summary, global flags, environment and exit codes. */
export function globalHelp(commands: readonly CommandSpec[], width = 100): string {
  const program = buildProgram(commands, width).description(
    'Reelay turns a written brief into a narrated video through AI providers, and stays\n' +
      'dependable when they are slow, stalled, rate limited or down.',
  );
  const flagWidth = 22;
  const globals = Object.entries(GLOBAL_OPTIONS).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` <${o.valueName ?? 'VALUE'}>` : ''}`;
    return `  ${flag.padEnd(flagWidth)}${o.description}${o.defaultText ? ` (default: ${o.defaultText})` : ''}`;
  });
  return [
    program.helpInformation().trimEnd(),
    '',
    'Global flags:',
    ...globals,
    `  ${'-v, --version'.padEnd(flagWidth)}Print the version`,
    '',
    'Environment:',
    '  REELAY_SERVER, REELAY_API_KEY   defaults of --server and --api-key',
    '  REELAY_DATA_DIR, REELAY_CONFIG  local data directory and config file (see README)',
    '  REELAY_LOG_LEVEL                structured log level on stderr (default: info for serve and worker, silent otherwise)',
    '  REELAY_DEBUG=1                  print stack traces of unexpected errors',
    '  REELAY_TEST_PROVIDERS=<module>  testing aid: a module whose `providers` export is registered',
    '',
    'Run `reelay <command> --help` for the flags of a command; `reelay completion bash|zsh` for shell completion.',
    '',
    'Exit codes:',
    ...exitCodeLines(),
    '',
  ].join('\n');
}
