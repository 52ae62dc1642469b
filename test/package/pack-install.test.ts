import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

/** One command's stdout (stderr and the exit code fail the test through the rejection). */
async function sh(cmd: string, args: string[], cwd: string): Promise<string> {
  const { stdout } = await run(cmd, args, { cwd, maxBuffer: 64 * 1024 * 1024, env: process.env });
  return stdout;
}

// Packs the repository as npm would publish it (prepack builds dist/ first), installs the tarball
// into an empty project and uses it the way a consumer does: the bin, `import` and `require`.
describe('the published package', () => {
  let work = '';
  let project = '';
  let files: string[] = [];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'reelay-pack-'));
    const packed = JSON.parse(
      await sh('npm', ['pack', '--json', '--pack-destination', work, '--no-audit', '--no-fund'], root),
    ) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const tarball = join(work, packed[0]!.filename);
    files = packed[0]!.files.map((f) => f.path);
    project = join(work, 'consumer');
    await sh('mkdir', ['-p', project], work);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    await sh('npm', ['install', '--no-audit', '--no-fund', '--omit=dev', tarball], project);
  }, 600_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('ships the license, the bin and the built entry points, and no source maps', () => {
    expect(files).toContain('LICENSE');
    expect(files).toContain('bin/reelay.js');
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/client/index.d.ts');
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.some((f) => f.startsWith('src/'))).toBe(false);
  });

  it('installs an executable `reelay` bin that answers --version and --help', async () => {
    const bin = join(project, 'node_modules', '.bin', 'reelay');
    expect((await stat(join(project, 'node_modules', 'reelay', 'bin', 'reelay.js'))).mode & 0o111).not.toBe(
      0,
    );
    expect(await sh(bin, ['--version'], project)).toMatch(/^reelay \d+\.\d+\.\d+/);
    expect(await sh(bin, ['--help'], project)).toMatch(/generate/);
  }, 60_000);

  it.skipIf(process.platform !== 'linux' || typeof process.execve !== 'function')(
    'the installed bin re-executes `worker` with its Node flags, and its exit code comes through',
    async () => {
      const bin = join(project, 'node_modules', '.bin', 'reelay');
      // --trace-exit makes Node name the exit it performs: proof the flag reached the re-executed worker.
      const failed = await run(bin, ['worker', '--server', 'http://x'], {
        cwd: project,
        env: { ...process.env, REELAY_NODE_OPTIONS: '--trace-exit' },
      }).then(
        () => undefined,
        (error: { code?: number; stderr?: string }) => error,
      );
      expect(failed?.code).toBe(2);
      expect(failed?.stderr).toMatch(/--server does not apply/);
      expect(failed?.stderr).toMatch(/Exited the environment with code 2/);
    },
    60_000,
  );

  it('imports both entry points as ESM', async () => {
    const code =
      "const r = await import('reelay'); const c = await import('reelay/client');" +
      'console.log(typeof r.createReelay, typeof c.ReelayClient);';
    expect(await sh(process.execPath, ['--input-type=module', '-e', code], project)).toBe(
      'function function\n',
    );
  }, 60_000);

  it('requires both entry points from CommonJS (require of ESM, Node 22.12+)', async () => {
    const code =
      "const r = require('reelay'); const c = require('reelay/client');" +
      'console.log(typeof r.createReelay, typeof c.ReelayClient);';
    expect(await sh(process.execPath, ['-e', code], project)).toBe('function function\n');
  }, 60_000);
});
