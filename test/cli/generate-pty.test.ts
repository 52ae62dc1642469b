import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BRIEF, CliProcess, cliEnv, plain, runCli, SMALL, tempDir } from './cli-harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('reelay generate in a pseudo-terminal', () => {
  it('shows a per-stage progress bar with the provider’s latency state, exits 0 and saves the video', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const cli = CliProcess.pty(
      ['generate', BRIEF, ...SMALL, '--data-dir', 'data', '--out', 'out/tides.mp4'],
      {
        cwd: dir,
      },
    );
    cleanups.push(() => cli.kill());
    expect(await cli.exited).toBe(0);
    const raw = cli.output;
    const text = plain(raw);
    // A terminal: the status line is redrawn in place (carriage return + erase line).
    expect(raw).toContain('\r\x1b[2K');
    expect(text).toMatch(/Job job_\S+ submitted \(fallback policy auto\)/);
    for (const stage of ['brief', 'script', 'narration', 'visuals', 'render', 'post'])
      expect(text).toMatch(new RegExp(`✓ ${stage} \\(`));
    expect(text).toMatch(/narration\s+\[#+\.*\]\s+\d+% · overall \d+%/);
    expect(text).toMatch(/ETA /);
    // Narration goes to the most intelligible installed offline voice (festival, then flite, then espeak-ng).
    expect(text).toMatch(/(festival|flite|espeak): Active • Generating/);
    expect(text).toMatch(
      /providers: script → template, narration → (festival|flite|espeak), visuals → title-card, render → ffmpeg/,
    );
    const saved = join(dir, 'out/tides.mp4');
    expect(text).toContain(`saved to ${saved}`);
    const file = await stat(saved);
    expect(file.size).toBeGreaterThan(10_000);
  }, 90_000);

  it('Ctrl-C at a decision prompt cancels the job, then exits 130; status then reports canceled (exit 3)', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const env = cliEnv({ REELAY_TEST_PROVIDERS: join(import.meta.dirname, 'fixtures/flaky-tts.ts') });
    const cli = CliProcess.pty(
      ['generate', BRIEF, ...SMALL, '--data-dir', 'data', '--fallback', 'ask', '--tts', 'flaky-tts'],
      { cwd: dir, env },
    );
    cleanups.push(() => cli.kill());
    const [, jobId] = (await cli.waitFor(/Job (job_\S+) submitted/)) as RegExpMatchArray;
    await cli.waitFor(/Choose 1-\d+: /, 60_000);
    cli.write('\x03');
    expect(await cli.exited).toBe(130);
    expect(plain(cli.output)).toMatch(new RegExp(`Interrupted — canceling job ${jobId}`));
    const status = await runCli(['status', jobId as string, '--data-dir', 'data'], { cwd: dir, env });
    expect(status.stdout).toMatch(new RegExp(`Job ${jobId}: canceled`));
    expect(status.code).toBe(3);
  }, 90_000);
});
