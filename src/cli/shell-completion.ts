import type { CommandSpec } from './command-spec.js';
import { allOptions } from './commander-program.js';

/** Shells `reelay completion` writes a script for. */
export const COMPLETION_SHELLS = ['bash', 'zsh'] as const;

/** One of {@link COMPLETION_SHELLS}. */
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

function flagWords(spec: CommandSpec): string {
  return Object.entries(allOptions(spec))
    .flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])])
    .join(' ');
}

/** Flags whose values are a fixed list, as `cmd:--flag` → values. */
function choiceCases(commands: readonly CommandSpec[]): Array<[string, string]> {
  return commands.flatMap((c) =>
    Object.entries(c.options)
      .filter(([, o]) => o.choices)
      .map(([name, o]): [string, string] => [`${c.name}:--${name}`, (o.choices ?? []).join(' ')]),
  );
}

function bash(commands: readonly CommandSpec[]): string {
  const names = [...commands.map((c) => c.name), 'help'].join(' ');
  const flagCases = commands.map((c) => `    ${c.name}) flags="${flagWords(c)}" ;;`).join('\n');
  const valueCases = choiceCases(commands)
    .map(([key, values]) => `    ${key}) COMPREPLY=($(compgen -W "${values}" -- "$cur")); return ;;`)
    .join('\n');
  return `# reelay bash completion. Load it with:  source <(reelay completion bash)
_reelay() {
  local cur prev cmd flags
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd="\${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${names} --help --version" -- "$cur"))
    return
  fi
  case "$cmd:$prev" in
${valueCases}
  esac
  case "$cmd" in
${flagCases}
    help) COMPREPLY=($(compgen -W "${names}" -- "$cur")); return ;;
    *) flags="" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -F _reelay reelay
`;
}

function zshEscape(text: string): string {
  return text.replace(/'/g, "'\\''").replace(/:/g, '\\:').replace(/\[/g, '\\[').replace(/\]/g, '\\]');
}

function zsh(commands: readonly CommandSpec[]): string {
  const described = commands.map((c) => `    '${c.name}:${zshEscape(c.summary)}'`).join('\n');
  const cases = commands
    .map((c) => {
      const specs = Object.entries(allOptions(c)).map(([name, o]) => {
        const value =
          o.type === 'string'
            ? `:${o.valueName ?? 'VALUE'}:${o.choices ? `(${o.choices.join(' ')})` : ''}`
            : '';
        return `'--${name}[${zshEscape(o.description)}]${value}'`;
      });
      return `      ${c.name}) _arguments ${specs.join(' ')} '*:file:_files' ;;`;
    })
    .join('\n');
  return `#compdef reelay
# reelay zsh completion. Load it with:  source <(reelay completion zsh)
_reelay() {
  local -a commands
  commands=(
${described}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  case "$words[2]" in
${cases}
  esac
}
compdef _reelay reelay
`;
}

/**
 * The completion script of a shell for these commands: command names with their summaries, each
 * command's flags, and the fixed values of flags that take one (e.g. `--fallback ask|auto|off`).
 *
 * @example
 * completionScript('bash', COMMANDS); // source <(reelay completion bash)
 */
export function completionScript(shell: CompletionShell, commands: readonly CommandSpec[]): string {
  return shell === 'bash' ? bash(commands) : zsh(commands);
}
