import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));
const TSX = join(HERE, '../../node_modules/tsx/dist/esm/index.mjs');
const CHILD = join(HERE, 'decision-keep-alive-child.ts');

function run(mode: string) {
  return spawnSync(process.execPath, ['--import', TSX, CHILD, mode], { encoding: 'utf8', timeout: 30_000 });
}

describe('a pending decision keeps a bare library process alive', () => {
  it('waits for the answer and then lets the process exit', () => {
    const child = run('hold');
    expect(child.stdout.trim()).toBe('answered continue_30s');
    expect(child.status).toBe(0);
  });

  it('without the hold the same script exits before the answer (the test can fail)', () => {
    const child = run('no-hold');
    expect(child.stdout).not.toContain('answered');
    // Node reports a top-level await that can never settle with exit code 13.
    expect(child.status).toBe(13);
  });
});
