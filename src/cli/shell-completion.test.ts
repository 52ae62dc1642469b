import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from './commands/index.js';
import { completionScript } from './shell-completion.js';

function complete(words: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'reelay-completion-'));
  const file = join(dir, 'reelay.bash');
  writeFileSync(file, completionScript('bash', COMMANDS));
  const script = `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _reelay; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', script], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('completionScript (bash, run in a real bash)', () => {
  it('completes command names, flags of the command and fixed flag values', () => {
    expect(complete(['reelay', 'de'])).toEqual(['decide', 'decisions']);
    expect(complete(['reelay', 'generate', 'brief', '--fallback', ''])).toEqual(['ask', 'auto', 'off']);
    expect(complete(['reelay', 'generate', '--no-m'])).toEqual(['--no-motion']);
    expect(complete(['reelay', 'status', '--js'])).toEqual(['--json']);
  });
});

describe('completionScript (zsh)', () => {
  it('describes every command and lists each flag with its help', () => {
    const script = completionScript('zsh', COMMANDS);
    expect(script).toMatch(/^#compdef reelay/);
    for (const c of COMMANDS) expect(script).toContain(`'${c.name}:`);
    expect(script).toContain("'--fallback[");
    expect(script).toContain(':POLICY:(ask auto off)');
  });
});
