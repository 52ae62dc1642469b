import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/app-config.js';
import { createReelay } from '../jobs/create-reelay.js';
import { memoryIo } from './cli-test-io.js';
import { COMMANDS } from './commands/index.js';
import { runCli } from './run-cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reelay-run-cli-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('runCli: help, version and usage errors', () => {
  it('--help lists every command and the exit codes, exit 0', async () => {
    const io = memoryIo();
    expect(await runCli(['--help'], io, { version: '9.9.9' })).toBe(0);
    for (const c of COMMANDS) expect(io.stdout.text).toMatch(new RegExp(`^  ${c.name}\\s+\\S`, 'm'));
    expect(io.stdout.text).toMatch(/130\s+interrupted with Ctrl-C/);
  });

  it('no command prints the help on stderr and exits 2', async () => {
    const io = memoryIo();
    expect(await runCli([], io)).toBe(2);
    expect(io.stderr.text).toMatch(/^Usage: reelay <command>/);
  });

  it('--version prints the package version', async () => {
    const io = memoryIo();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(io.stdout.text).toMatch(/^reelay \d+\.\d+\.\d+\n$/);
  });

  it('<command> --help documents every visible flag of the command, and help <command> does the same', async () => {
    for (const c of COMMANDS) {
      const io = memoryIo();
      expect(await runCli([c.name, '--help'], io)).toBe(0);
      const flat = io.stdout.text.replace(/\s+/g, ' ');
      for (const [name, o] of Object.entries(c.options)) {
        expect(flat).toContain(`--${name}`);
        expect(flat).toContain(o.description.replace(/\s+/g, ' '));
      }
      expect(flat).toContain('--server <URL>');
      const viaHelp = memoryIo();
      await runCli(['help', c.name], viaHelp);
      expect(viaHelp.stdout.text).toBe(io.stdout.text);
    }
  });

  it.each([
    [['render'], /Unknown command "render" \(commands: generate, status/],
    [['--data-dir', 'x'], /Unknown command "--data-dir" \(put the command first\)/],
    [['generat', 'brief'], /Unknown command "generat" \(Did you mean generate\?\)/],
    [['status', 'job_1', '--jsn'], /Unknown flag --jsn for `reelay status`\. \(Did you mean --json\?\)/],
    [['help', 'nope'], /Unknown command "nope"/],
    [['generate', 'brief', '--bogus'], /Unknown flag --bogus[\s\S]*Run `reelay generate --help` for usage\./],
    [['status', 'not a job id!'], /"not a job id!" is not a job id/],
    [
      ['decide', 'job_1', 'maybe'],
      /"maybe" is not an option; use one of continue_30s, continue_5m, try_alternative, cancel_job/,
    ],
    [['decide', 'job_1', 'try_alternative'], /try_alternative needs the provider to switch to/],
    [['jobs', '--limit', '0'], /--limit must be an integer from 1 to 500/],
    [['serve', '--port', '70000'], /--port must be an integer from 0 to 65535/],
    [['serve', '--server', 'http://x'], /`reelay serve` runs a server itself; --server does not apply/],
  ])('%j exits 2 with a message', async (argv, message) => {
    const io = memoryIo({ env: { REELAY_DATA_DIR: dir } });
    expect(await runCli(argv, io)).toBe(2);
    expect(io.stderr.text).toMatch(message);
    expect(io.stderr.text).not.toMatch(/\n\s+at /);
  });
});

describe('runCli: --json makes every outcome JSON on stdout', () => {
  it.each([
    [['status', 'job_nope', '--json'], 1, 'REELAY_ERR_NOT_FOUND'],
    [['--json'], 2, 'REELAY_ERR_USAGE'],
    [['status', '--json'], 2, 'REELAY_ERR_USAGE'],
    [['generate', 'short', '--json'], 2, 'REELAY_ERR_VALIDATION'],
  ])(
    '%j exits %i with {ok:false, error:{code:%s}} on stdout and nothing on stderr',
    async (argv, exit, code) => {
      const io = memoryIo({ env: { REELAY_DATA_DIR: dir } });
      expect(await runCli(argv, io)).toBe(exit);
      expect(io.stderr.text).toBe('');
      const body = JSON.parse(io.stdout.text) as { ok: boolean; exitCode: number; error: { code: string } };
      expect(body).toMatchObject({ ok: false, exitCode: exit, error: { code } });
    },
  );

  it('--version --json is JSON too', async () => {
    const io = memoryIo();
    expect(await runCli(['--version', '--json'], io, { version: '1.2.3' })).toBe(0);
    expect(JSON.parse(io.stdout.text)).toEqual({ version: '1.2.3' });
  });
});

describe('runCli: errors from the service', () => {
  it('an invalid request exits 2 and lists every invalid field', async () => {
    const io = memoryIo({ env: { REELAY_DATA_DIR: dir } });
    const code = await runCli(['generate', 'short', '--duration', '0', '--fps', '100'], io);
    expect(io.stderr.text).toMatch(/Invalid video request/);
    expect(io.stderr.text).toMatch(/ {2}- brief: at least 10 characters/);
    expect(io.stderr.text).toMatch(/ {2}- durationMinutes: greater than 0/);
    expect(io.stderr.text).toMatch(/ {2}- options\.fps: /);
    expect(io.stderr.text).toMatch(/\(REELAY_ERR_VALIDATION\)/);
    expect(code).toBe(2);
  });

  it('an unknown job exits 1 naming it; REELAY_DEBUG=1 adds the stack', async () => {
    const io = memoryIo({ env: { REELAY_DATA_DIR: dir } });
    expect(await runCli(['status', 'job_missing'], io)).toBe(1);
    expect(io.stderr.text).toMatch(/Job job_missing does not exist; check the id with `reelay jobs`\./);
    expect(io.stderr.text).not.toMatch(/\n\s+at /);
    const debug = memoryIo({ env: { REELAY_DATA_DIR: dir, REELAY_DEBUG: '1' } });
    expect(await runCli(['status', 'job_missing'], debug)).toBe(1);
    expect(debug.stderr.text).toMatch(/\n\s+at /);
  });

  it('decide on a local job with nothing pending says so and where to look (exit 1); ids by prefix', async () => {
    const reelay = await createReelay({
      config: loadConfig({ REELAY_DATA_DIR: dir }),
      worker: false,
      networked: false,
    });
    const job = await reelay.service.submit({ brief: 'How tides work, for curious kids' });
    await reelay.close();
    const io = memoryIo({ env: { REELAY_DATA_DIR: dir } });
    expect(await runCli(['decide', job.id, 'cancel_job'], io)).toBe(1);
    expect(io.stderr.text).toMatch(
      new RegExp(
        `Job ${job.id} has no decision waiting for an answer \\(it is queued\\); \`reelay decisions\` lists`,
      ),
    );
    const status = memoryIo({ env: { REELAY_DATA_DIR: dir } });
    expect(await runCli(['status', job.id], status)).toBe(0);
    expect(status.stdout.text).toMatch(new RegExp(`Job ${job.id}: queued`));
    const byPrefix = memoryIo({ env: { REELAY_DATA_DIR: dir } });
    expect(await runCli(['status', job.id.slice(4, 12)], byPrefix)).toBe(0);
    expect(byPrefix.stdout.text).toMatch(new RegExp(`Job ${job.id}: queued`));
    const cancel = memoryIo({ env: { REELAY_DATA_DIR: dir } });
    expect(await runCli(['cancel', job.id], cancel)).toBe(0);
    expect(cancel.stdout.text).toBe(`Job ${job.id}: canceled\n`);
  });

  it('jobs on an empty data directory says how to start one', async () => {
    const io = memoryIo({ env: { REELAY_DATA_DIR: join(dir, 'empty') } });
    expect(await runCli(['jobs'], io)).toBe(0);
    expect(io.stdout.text).toMatch(/No jobs yet\. Start one with `reelay generate "<brief>"`\./);
  });
});
