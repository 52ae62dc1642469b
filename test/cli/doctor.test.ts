import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli, tempDir } from './cli-harness.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(async () => cleanup());

describe('reelay doctor', () => {
  it('reports FFmpeg, espeak-ng, directories, store and providers OK, and keyless networked providers as SKIP with the variable to set', async () => {
    const run = await runCli(['doctor', '--data-dir', 'data'], { cwd: dir, env: cliEnv() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^OK {3}ffmpeg\s+FFmpeg \S+ \(ffmpeg\), ffprobe \S+ \(ffprobe\); has libx264, aac, \d+ filters/m,
    );
    expect(run.stdout).toMatch(/^OK {3}espeak-ng\s+espeak-ng \d/m);
    expect(run.stdout).toMatch(/^OK {3}data dir\s+\S+\/data writable, \d+ MB free/m);
    expect(run.stdout).toMatch(/^OK {3}store\s+SQLite at \S+reelay\.db opened/m);
    for (const id of ['template', 'espeak', 'captions-only', 'title-card', 'ffmpeg'])
      expect(run.stdout).toMatch(new RegExp(`^OK {3}provider ${id}\\s`, 'm'));
    expect(run.stdout).toMatch(
      /^SKIP provider openai\s+no API key: set OPENAI_API_KEY to enable it\n\s+fix: export OPENAI_API_KEY=… to enable it/m,
    );
    expect(run.stdout).toMatch(/All checks passed\./);
  }, 60_000);

  it('a data directory that is not writable fails with the fix, and exits 4', async () => {
    await writeFile(`${dir}/not-a-dir`, 'x');
    const run = await runCli(['doctor', '--data-dir', 'not-a-dir'], { cwd: dir, env: cliEnv() });
    expect(run.code).toBe(4);
    expect(run.stdout).toMatch(/^FAIL data dir\s+\S+not-a-dir is not writable/m);
    expect(run.stdout).toMatch(
      /fix: Point REELAY_DATA_DIR \/ REELAY_OUTPUT_DIR \(or --data-dir\) at a writable directory/,
    );
    expect(run.stdout).toMatch(/check\(s\) failed; see the fixes above\./);
  }, 60_000);

  it('--json gives every check as data', async () => {
    const run = await runCli(['doctor', '--data-dir', 'data', '--json'], { cwd: dir, env: cliEnv() });
    const body = JSON.parse(run.stdout) as { ok: boolean; checks: Array<{ name: string; status: string }> };
    expect(body.ok).toBe(true);
    expect(body.checks.find((c) => c.name === 'espeak-ng')?.status).toBe('ok');
  }, 60_000);
});
