import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BRIEF, CliProcess, cliEnv, FLAKY_TTS, plain, runCli, SMALL, tempDir } from './cli-harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('reelay generate --fallback ask, answered at the terminal prompt', () => {
  it('a failing TTS stops the job at a prompt; choosing espeak finishes it and is audited', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const env = cliEnv({ REELAY_TEST_PROVIDERS: FLAKY_TTS });
    const cli = CliProcess.pty(
      [
        'generate',
        BRIEF,
        ...SMALL,
        '--data-dir',
        'data',
        '--fallback',
        'ask',
        '--tts',
        'flaky-tts',
        '-o',
        'v.mp4',
      ],
      { cwd: dir, env },
    );
    cleanups.push(() => cli.kill());
    const [, jobId] = (await cli.waitFor(
      /Job (job_\S+) submitted \(fallback policy ask\)/,
    )) as RegExpMatchArray;
    await cli.waitFor(/Choose 1-(\d+): /, 60_000);
    const prompt = plain(cli.output);
    expect(prompt).toMatch(
      /⚠ Decision needed — flaky-tts failed on the narration stage \(provider overloaded\)/,
    );
    expect(prompt).toMatch(/elapsed on this stage: \d+/);
    expect(prompt).toMatch(/1\) Continue waiting 30 s \(retry flaky-tts\)/);
    expect(prompt).toMatch(/2\) Continue waiting 5 min \(retry flaky-tts\)/);
    const alt = prompt.match(/(\d+)\) Try espeak instead \(score \d+/);
    expect(alt).not.toBeNull();
    expect(prompt).toMatch(/\d+\) Cancel the job/);
    // The latency state of the failing provider was shown with its UI label.
    expect(prompt).toMatch(/flaky-tts on narration: Error • Provider Failed/);

    cli.write('42\n'); // not a choice: asked again
    await cli.waitFor(/"42" is not a choice: type a number from 1 to \d+\.\n?\r?\n?Choose/);
    cli.write(`${alt?.[1]}\n`);
    expect(await cli.exited).toBe(0);
    const text = plain(cli.output);
    expect(text).toMatch(/→ Try espeak instead/);
    expect(text).toMatch(/↪ PROVIDER_FATAL_ERROR: flaky-tts → espeak/);
    expect(text).toMatch(/fallback decisions: PROVIDER_FATAL_ERROR flaky-tts → espeak/);
    expect((await stat(join(dir, 'v.mp4'))).size).toBeGreaterThan(10_000);

    const audit = await runCli(['decisions', jobId as string, '--data-dir', 'data'], { cwd: dir, env });
    expect(audit.code).toBe(0);
    expect(audit.stdout).toMatch(/from\s+to\s+reason\s+confirmed/);
    expect(audit.stdout).toMatch(/flaky-tts\s+espeak\s+PROVIDER_FATAL_ERROR\s+user/);
  }, 90_000);

  it('off a terminal (local job), prints the decision and reads the answer — a provider id — from stdin', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const env = cliEnv({ REELAY_TEST_PROVIDERS: FLAKY_TTS });
    const cli = CliProcess.cli(
      ['generate', BRIEF, ...SMALL, '--data-dir', 'data', '--fallback', 'ask', '--tts', 'flaky-tts'],
      { cwd: dir, env },
    );
    cleanups.push(() => cli.kill());
    await cli.waitFor(
      /No interactive terminal: answer from another shell[^\n]*or type a choice number on stdin\./,
      60_000,
    );
    await cli.waitFor(/reelay decide job_\S+ cancel_job --data-dir data/);
    expect(cli.output).not.toContain('\x1b[2K');
    expect(cli.output).not.toMatch(/Choose 1-/);
    cli.write('espeak\n');
    expect(await cli.exited).toBe(0);
    expect(cli.output).toMatch(/Done: /);
  }, 90_000);

  it('stdin at end of file: says so at once; another process lists the decision and answers it by id prefix', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const env = cliEnv({ REELAY_TEST_PROVIDERS: FLAKY_TTS });
    const cli = CliProcess.cli(
      ['generate', BRIEF, ...SMALL, '--data-dir', 'data', '--fallback', 'ask', '--tts', 'flaky-tts'],
      { cwd: dir, env },
    );
    cleanups.push(() => cli.kill());
    cli.child.stdin?.end(); // as with `</dev/null` in a script or CI
    const [, jobId] = (await cli.waitFor(/Job (job_\S+) submitted/)) as RegExpMatchArray;
    await cli.waitFor(/No interactive terminal: answer from another shell/, 60_000);
    const [, command] = (await cli.waitFor(
      / {2}(reelay decide \S+ try_alternative espeak --data-dir data)\n/,
    )) as RegExpMatchArray;
    expect(command).toBe(`reelay decide ${jobId} try_alternative espeak --data-dir data`);

    const listed = await runCli(['decisions', '--data-dir', 'data'], { cwd: dir, env });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`${jobId}  decision_`);
    expect(listed.stdout).toMatch(/flaky-tts failed on narration/);
    const status = await runCli(['status', jobId as string, '--data-dir', 'data'], { cwd: dir, env });
    expect(status.stdout).toMatch(/waiting {2}for a decision on flaky-tts/);

    const prefix = (jobId as string).slice(0, 10);
    const answer = await runCli(['decide', prefix, 'try_alternative', 'espeak', '--data-dir', 'data'], {
      cwd: dir,
      env,
    });
    expect(answer.stderr).toBe('');
    expect(answer.stdout).toMatch(
      new RegExp(`Answered decision_\\S+ of job ${jobId}: try_alternative → espeak`),
    );
    expect(answer.code).toBe(0);
    expect(await cli.exited).toBe(0);
    expect(cli.output).toMatch(/Done: /);
    const audit = await runCli(['decisions', jobId as string, '--data-dir', 'data'], { cwd: dir, env });
    expect(audit.stdout).toMatch(/flaky-tts\s+espeak\s+PROVIDER_FATAL_ERROR\s+user/);
  }, 120_000);
});
