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
    expect(jobs.stdout).toMatch(/done\s+100%/);
  }, 120_000);
});
