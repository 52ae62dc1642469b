/**
 * Crash and resume: a worker process is killed with SIGKILL while FFmpeg renders (the narration
 * checkpoints exist). Its FFmpeg dies with it within a second (the child watchdog); a new
 * container on the same data directory sees the dead worker's pid and takes the job over at once
 * — long before its 30 s lease lapses — removes the temporary files the dead attempt left, and
 * finishes the job, redoing only the missing steps.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reelay } from '../../src/jobs/create-reelay.js';
import { probeMedia } from '../../src/providers/media/ffprobe.js';
import type { Checkpoint } from '../../src/state/checkpoint-store.js';
import { createSqliteStores } from '../../src/state/sqlite/sqlite-stores.js';
import { removeDir, startReelay, tempDir, waitForEnd, within } from '../support/pipeline-harness.js';

const LEASE_MS = 30_000;
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

interface ChildMilestones {
  jobId: string;
  narrated: Promise<void>;
  rendering: Promise<void>;
}

/** Starts the child worker and resolves with its job id and promises of its milestone lines. */
function startChild(): Promise<ChildMilestones> {
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
  const milestone = (): { promise: Promise<void>; mark: () => void } => {
    let mark: () => void = () => {};
    const promise = new Promise<void>((r) => {
      mark = r;
    });
    return { promise, mark };
  };
  const narrated = milestone();
  const rendering = milestone();
  return new Promise((resolve, reject) => {
    proc.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited early (${code ?? signal}): ${stderr}`));
    });
    lines.on('line', (line) => {
      const msg = JSON.parse(line) as { jobId?: string; narrated?: boolean; rendering?: boolean };
      if (msg.jobId) resolve({ jobId: msg.jobId, narrated: narrated.promise, rendering: rendering.promise });
      if (msg.narrated) narrated.mark();
      if (msg.rendering) rendering.mark();
    });
  });
}

/** Pids of running (not zombie) FFmpeg processes whose command line mentions `part`, from /proc. */
function ffmpegRunning(part: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state !== 'Z' && cmd[0]?.endsWith('ffmpeg') && cmd.some((a) => a.includes(part)))
        pids.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** Temporary files (`.<name>.<hex>.tmp.<ext>`) under `root`. */
function tempFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (/^\..+\.[0-9a-f]{8}\.tmp/.test(e.name)) found.push(join(d, e.name));
    }
  };
  walk(root);
  return found;
}

/** Polls `check` every 20 ms until it holds; throws after `limitMs` (bounded, no fixed sleep). */
async function pollUntil(check: () => boolean, limitMs: number, what: string): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - start;
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
  it('resumes a SIGKILLed job at once in a new worker, without its FFmpeg or temp files, redoing only the missing steps', async () => {
    const { jobId, narrated, rendering } = await startChild();
    await within(narrated, 120_000, 'the child worker to finish narration');
    await within(rendering, 45_000, 'the child worker to start rendering');
    const workDir = join(dir, 'jobs', jobId);
    await pollUntil(
      () => ffmpegRunning(jobId).length > 0 && tempFiles(workDir).length > 0,
      30_000,
      'FFmpeg rendering into a temporary file',
    );
    await killChild();
    // The dead worker's FFmpeg dies with it (the watchdog saw its pipe close).
    const goneMs = await pollUntil(
      () => ffmpegRunning(jobId).length === 0,
      1_000,
      'FFmpeg gone after the kill',
    );
    expect(goneMs).toBeLessThanOrEqual(1_000);
    const debris = tempFiles(workDir);
    expect(debris.length, 'the dead attempt left temporary files').toBeGreaterThan(0);

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
    // Taken over as soon as the dead worker's pid was seen gone, long before its lease lapsed.
    const leaseEnd = Date.parse(crashed?.lease?.expiresAt ?? '');
    expect(crashed?.lease?.holder?.pid).toBe(child?.pid);
    expect(Date.parse(started[1]?.timestamp ?? '')).toBeLessThan(leaseEnd - 10_000);
    // Nothing of the dead attempt stays: no temporary file, no attempt record.
    expect(tempFiles(workDir)).toEqual([]);
    expect(readdirSync(join(workDir, 'attempts'))).toEqual([]);

    const after = byStep(await reelay.stores.checkpoints.list(jobId));
    for (const cp of before) {
      expect(after.get(cp.stepId)?.completedAt, `${cp.stepId} must not be redone`).toBe(cp.completedAt);
    }
    expect(after.has('render')).toBe(true);
    expect(after.has('post')).toBe(true);

    const log = await reelay.stores.jobLogs.read(jobId);
    const cleared = log.find((l) => l.message === 'Cleared what earlier attempts left behind');
    expect(cleared?.fields?.removedTempFiles).toBeGreaterThanOrEqual(debris.length);
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
  }, 300_000);
});
