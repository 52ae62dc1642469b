import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRIEF, CliProcess, cliEnv, runCli, SMALL, tempDir } from './cli-harness.js';

let dir: string;
let cleanup: () => Promise<void>;
let api: CliProcess;
let worker: CliProcess;
let url: string;
const env = cliEnv();

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  api = CliProcess.cli(['serve', '--no-worker', '--port', '0', '--data-dir', 'data'], { cwd: dir, env });
  url = (await api.waitFor(/Reelay API listening on (http:\/\/\S+)/))[1] as string;
  worker = CliProcess.cli(['worker', '--data-dir', 'data'], { cwd: dir, env });
  await worker.waitFor(/Reelay worker running/);
}, 60_000);

afterAll(async () => {
  api?.kill();
  worker?.kill();
  await cleanup?.();
});

describe('serve --no-worker + worker on one SQLite file', () => {
  it('the API process streams every event the worker process writes, through to done', async () => {
    const run = await runCli(['generate', BRIEF, ...SMALL, '--server', url, '--json'], { cwd: dir, env });
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; status?: string });
    const types = lines.map((l) => l.type);
    expect(types[0]).toBe('job-queued');
    expect(types).toContain('job-started');
    expect(types.filter((t) => t === 'stage-complete').length).toBeGreaterThanOrEqual(4);
    expect(types).toContain('done');
    expect(lines.at(-1)).toMatchObject({ type: 'result', status: 'done' });
    expect(run.code).toBe(0);
    const jobs = await runCli(['jobs', '--data-dir', 'data'], { cwd: dir, env });
    expect(jobs.stdout).toMatch(/done\s+100%.*Explain how ocean tides work/);

    const jobId = (lines.at(-1) as unknown as { jobId: string }).jobId;
    const prefix = jobId.slice(4, 12);
    const download = await runCli(['download', prefix, 'copy.mp4', '--data-dir', 'data'], { cwd: dir, env });
    expect(download.stdout).toMatch(/^Saved .*copy\.mp4\n$/);
    expect(download.code).toBe(0);
    expect((await stat(join(dir, 'copy.mp4'))).size).toBeGreaterThan(10_000);
    const logs = await runCli(['logs', prefix, '--server', url], { cwd: dir, env });
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/#1 job-queued/);
    expect(logs.stdout).toMatch(/stage-complete {2}stage=render/);
    expect(logs.stdout.trim().split('\n').at(-1)).toMatch(/ done/);
  }, 240_000);
});
