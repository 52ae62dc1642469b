import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRIEF, CliProcess, cliEnv, FLAKY_TTS, runCli, SMALL, tempDir } from './cli-harness.js';

let dir: string;
let cleanup: () => Promise<void>;
let server: CliProcess;
let url: string;
const env = cliEnv({ REELAY_TEST_PROVIDERS: FLAKY_TTS });

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  server = CliProcess.cli(['serve', '--port', '0', '--data-dir', 'data'], { cwd: dir, env });
  const match = await server.waitFor(/Reelay API listening on (http:\/\/\S+)/);
  url = match[1] as string;
}, 60_000);

afterAll(async () => {
  server?.kill();
  await cleanup?.();
});

describe('reelay serve, and the commands with --server', () => {
  it('providers --server lists the server’s providers as JSON', async () => {
    const run = await runCli(['providers', '--server', url, '--json'], { cwd: dir, env });
    expect(run.code).toBe(0);
    const ids = (JSON.parse(run.stdout) as { providers: Array<{ id: string }> }).providers.map((p) => p.id);
    expect(ids).toEqual(expect.arrayContaining(['template', 'espeak', 'title-card', 'ffmpeg', 'flaky-tts']));
  });

  it('a remote ask job off a terminal prints the decide commands; answering one finishes it; the video downloads', async () => {
    const gen = CliProcess.cli(
      [
        'generate',
        BRIEF,
        ...SMALL,
        '--server',
        url,
        '--fallback',
        'ask',
        '--tts',
        'flaky-tts',
        '--out',
        'remote.mp4',
      ],
      { cwd: dir, env },
    );
    try {
      // The last of the printed commands: all of them are there once it is.
      const [, jobId = ''] = await gen.waitFor(/reelay decide (job_\S+) cancel_job --server \S+\n/, 60_000);
      expect(gen.output).toContain(`reelay decide ${jobId} continue_30s --server ${url}\n`);
      expect(gen.output).toContain(`reelay decide ${jobId} try_alternative espeak --server ${url}\n`);
      const decide = await runCli(['decide', jobId, 'try_alternative', 'espeak', '--server', url], {
        cwd: dir,
        env,
      });
      expect(decide.stderr).toBe('');
      expect(decide.stdout).toMatch(new RegExp(`Answered \\S+ of job ${jobId}: try_alternative → espeak`));
      expect(decide.code).toBe(0);
      expect(await gen.exited).toBe(0);
      expect((await stat(join(dir, 'remote.mp4'))).size).toBeGreaterThan(10_000);

      const status = await runCli(['status', jobId, '--server', url], { cwd: dir, env });
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(new RegExp(`Job ${jobId}: done`));
      const jobs = await runCli(['jobs', '--server', url], { cwd: dir, env });
      expect(jobs.stdout).toMatch(new RegExp(`${jobId}\\s+done\\s+100%`));
      const cancel = await runCli(['cancel', jobId, '--server', url], { cwd: dir, env });
      expect(cancel.code).toBe(1);
      expect(cancel.stderr).toMatch(/already ended \(done\); nothing to cancel/);
      const audit = await runCli(['decisions', jobId, '--server', url], { cwd: dir, env });
      expect(audit.stdout).toMatch(/flaky-tts\s+espeak\s+PROVIDER_FATAL_ERROR\s+user/);
    } finally {
      gen.kill();
    }
  }, 90_000);

  it('an invalid request through the server exits 2 and lists the invalid fields', async () => {
    const run = await runCli(['generate', 'too short', '--duration', '11', '--server', url], {
      cwd: dir,
      env,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/- brief: at least 10 characters/);
    expect(run.stderr).toMatch(/- durationMinutes: at most 10/);
  });

  it('a server that is not there exits 4 with what to do', async () => {
    const run = await runCli(['status', 'job_1', '--server', 'http://127.0.0.1:1'], { cwd: dir, env });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/cannot reach the Reelay server at http:\/\/127\.0\.0\.1:1/);
    expect(run.stderr).toMatch(/Start it with `reelay serve`/);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('SIGTERM closes the server and the worker, then exits 0', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    // (the server's structured log lines on stderr may come in between)
    expect(server.output).toMatch(
      /Received SIGTERM: closing the server, stopping the worker, closing the stores…\n[\s\S]*^Stopped\.$/m,
    );
  });
});
