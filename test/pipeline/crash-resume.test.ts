/**
 * Crash and resume: a worker process is killed with SIGKILL after the narration checkpoints
 * exist; a new container on the same data directory claims the job once the lease lapses and
 * finishes it, redoing only the missing steps.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reelay } from '../../src/jobs/create-reelay.js';
import { probeMedia } from '../../src/providers/media/ffprobe.js';
import type { Checkpoint } from '../../src/state/checkpoint-store.js';
import { createSqliteStores } from '../../src/state/sqlite/sqlite-stores.js';
import { removeDir, startReelay, tempDir, waitForEnd, within } from '../support/pipeline-harness.js';
import { ffmpegProcessesFor } from './media-checks.js';

const LEASE_MS = 1500;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

let dir: string;
let child: ChildProcess | undefined;
let reelay: Reelay | undefined;

beforeAll(async () => {
  dir = await tempDir('reelay-crash-');
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await reelay?.close();
  await removeDir(dir);
});

/** Starts the child worker and resolves with its job id and a promise of its "narrated" line. */
function startChild(): Promise<{ jobId: string; narrated: Promise<void> }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, String(LEASE_MS)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: proc.stdout! });
  return new Promise((resolve, reject) => {
    let markNarrated: () => void = () => {};
    const narrated = new Promise<void>((r) => {
      markNarrated = r;
    });
    proc.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited early (${code ?? signal}): ${stderr}`));
    });
    lines.on('line', (line) => {
      const msg = JSON.parse(line) as { jobId?: string; narrated?: boolean };
      if (msg.jobId) resolve({ jobId: msg.jobId, narrated });
      if (msg.narrated) markNarrated();
    });
  });
}

async function killChild(): Promise<void> {
  const proc = child;
  if (!proc) return;
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.kill('SIGKILL');
  await exited;
}

function byStep(list: readonly Checkpoint[]): Map<string, Checkpoint> {
  return new Map(list.map((c) => [c.stepId, c]));
}

describe('crash and resume', () => {
  it('resumes a SIGKILLed job in a new worker and redoes only the missing steps', async () => {
    const { jobId, narrated } = await startChild();
    await within(narrated, 45_000, 'the child worker to finish narration');
    await killChild();
    // FFmpeg processes the dead worker had started would finish on their own; end them (by pid)
    // so the machine looks like one that lost the whole worker.
    for (const pid of await ffmpegProcessesFor(jobId)) process.kill(pid, 'SIGKILL');

    const db = createSqliteStores(join(dir, 'reelay.db'));
    const before = await db.checkpoints.list(jobId);
    const crashed = await db.jobs.get(jobId);
    await db.close();
    expect(crashed?.status).toBe('running');
    expect(crashed?.attempts).toBe(1);
    const beforeIds = before.map((c) => c.stepId);
    expect(beforeIds).toContain('script');
    expect(beforeIds.filter((s) => s.startsWith('narration-'))).toEqual([
      'narration-1',
      'narration-2',
      'narration-3',
    ]);
    expect(beforeIds, 'the kill must land before the render finished').not.toContain('render');

    reelay = await startReelay(dir, { leaseMs: LEASE_MS });
    const { job, events } = await waitForEnd(reelay, jobId, 60_000);
    expect(job.status, JSON.stringify(job.error)).toBe('done');
    expect(job.attempts).toBe(2);
    const started = events.filter((e) => e.type === 'job-started');
    expect(started.map((e) => (e.type === 'job-started' ? e.attempt : 0))).toEqual([1, 2]);
    // Claimed only once the dead worker's lease had lapsed.
    const leaseEnd = Date.parse(crashed?.lease?.expiresAt ?? '');
    expect(Date.parse(started[1]?.timestamp ?? '')).toBeGreaterThanOrEqual(leaseEnd);

    const after = byStep(await reelay.stores.checkpoints.list(jobId));
    for (const cp of before) {
      expect(after.get(cp.stepId)?.completedAt, `${cp.stepId} must not be redone`).toBe(cp.completedAt);
    }
    expect(after.has('render')).toBe(true);
    expect(after.has('post')).toBe(true);

    const log = await reelay.stores.jobLogs.read(jobId);
    expect(log.some((l) => l.message === 'Job resumed (attempt 2)')).toBe(true);
    const resumed = log.find((l) => l.message === 'Resumed from checkpoints');
    expect(resumed?.fields?.skipped).toEqual(expect.arrayContaining(beforeIds));
    const doneLine = log.find((l) => l.message === 'Job done');
    expect(doneLine?.fields?.skipped).toEqual(expect.arrayContaining(beforeIds));
    // The script was not written again in the second attempt.
    const scriptWrites = log.filter((l) => l.message.startsWith('Script written by'));
    expect(scriptWrites).toHaveLength(1);

    const info = await probeMedia(job.output?.path ?? '');
    expect(info.video).toMatchObject({ codec: 'h264', width: 480, height: 270 });
    expect(info.audio?.codec).toBe('aac');
    expect(info.durationMs).toBeGreaterThan(5000);
  }, 120_000);
});
