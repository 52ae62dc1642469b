import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/app-config.js';
import { createJobRecord } from '../domain/job-record.js';
import { failJob, startJob } from '../domain/job-state-machine.js';
import { createReelay } from '../jobs/create-reelay.js';
import { memoryIo } from './cli-test-io.js';
import { runCli } from './run-cli.js';

let dir: string;
let jobId: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reelay-prune-cli-'));
  const env = { REELAY_DATA_DIR: join(dir, 'data') };
  const reelay = await createReelay({ config: loadConfig(env, dir), worker: false, healthChecks: false });
  try {
    const at = Date.parse('2026-01-01T00:00:00Z');
    let job = createJobRecord({ request: { brief: 'old' }, fallbackPolicy: 'auto' });
    job = failJob(startJob(job, { owner: 'w', leaseMs: 1000, now: at }), { message: 'x' } as never, at);
    await reelay.stores.jobs.create(job);
    jobId = job.id;
  } finally {
    await reelay.close();
  }
  await mkdir(join(dir, 'data', 'jobs', jobId), { recursive: true });
  await writeFile(join(dir, 'data', 'jobs', jobId, 'render.mp4'), Buffer.alloc(4096));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('reelay prune', () => {
  it('--dry-run --json lists the work files and deletes nothing; then prune frees the bytes', async () => {
    const env = { REELAY_DATA_DIR: join(dir, 'data') };
    const dry = memoryIo({ env, cwd: dir });
    expect(await runCli(['prune', '--dry-run', '--json'], dry)).toBe(0);
    const report = JSON.parse(dry.stdout.text) as { dryRun: boolean; freedBytes: number; items: unknown[] };
    expect(report).toMatchObject({ dryRun: true, freedBytes: 4096, items: [{ jobId, kind: 'work-files' }] });
    expect(existsSync(join(dir, 'data', 'jobs', jobId))).toBe(true);

    const run = memoryIo({ env, cwd: dir });
    expect(await runCli(['prune', '--older-than', '7d'], run)).toBe(0);
    expect(run.stdout.text).toMatch(/Removed 1 item\(s\), 4\.0 KB \(4096 bytes\) freed/);
    expect(existsSync(join(dir, 'data', 'jobs', jobId))).toBe(false);
  }, 60_000);

  it('refuses a malformed --older-than with exit 2', async () => {
    const io = memoryIo({ env: { REELAY_DATA_DIR: join(dir, 'data') }, cwd: dir });
    expect(await runCli(['prune', '--older-than', 'soon'], io)).toBe(2);
    expect(io.stderr.text).toContain('--older-than');
  });
});
