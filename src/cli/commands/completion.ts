import type { CommandSpec } from '../command-spec.js';
import { EXIT_CODES } from '../exit-codes.js';
import { COMPLETION_SHELLS, type CompletionShell, completionScript } from '../shell-completion.js';
import { UsageError } from '../usage-error.js';

/** `reelay completion bash|zsh`: prints a shell completion script. */
export const completionCommand: CommandSpec = {
  name: 'completion',
  summary: 'Print a shell completion script (bash or zsh)',
  description:
    'Prints a completion script for commands, flags and fixed flag values. Load it in the current ' +
    'shell with `source <(reelay completion bash)`, or add that line to ~/.bashrc (zsh: ~/.zshrc).',
  positionals: [{ name: 'shell', required: true, description: COMPLETION_SHELLS.join(' | ') }],
  options: {},
  examples: [
    'source <(reelay completion bash)',
    'reelay completion zsh > ~/.zfunc/_reelay   # a directory on $fpath',
  ],
  async run({ io, commands }, args) {
    const shell = args.positionals[0] ?? '';
    if (!(COMPLETION_SHELLS as readonly string[]).includes(shell))
      throw new UsageError(
        `No completion for "${shell}"; use one of ${COMPLETION_SHELLS.join(', ')}.`,
        'completion',
      );
    io.stdout.write(completionScript(shell as CompletionShell, commands ?? [completionCommand]));
    return EXIT_CODES.ok;
  },
};
