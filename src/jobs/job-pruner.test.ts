import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Clock } from '../domain/clock.js';
import { sequentialIds } from '../domain/ids.js';
import { createJobRecord, type JobRecord } from '../domain/job-record.js';
import { completeJob, failJob, startJob } from '../domain/job-state-machine.js';
import { MemoryJobStore } from '../state/memory/memory-job-store.js';
import { JobPruner } from './job-pruner.js';
import { RetentionSweeper } from './retention-sweeper.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-01-01T00:00:00Z');

let dir: string;
let now: number;
const clock: Clock = {
  now: () => now,
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reelay-prune-'));
  now = T0;
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

/** A job in `status` that ended at `now`, with a 1000-byte work file and (done) a 5000-byte video. */
async function job(
  jobs: MemoryJobStore,
  ids: ReturnType<typeof sequentialIds>,
  end: 'done' | 'failed' | 'running',
) {
  let record: JobRecord = createJobRecord(
    { request: { brief: 'x' }, fallbackPolicy: 'auto' },
    { clock, ids },
  );
  record = startJob(record, { owner: 'w', leaseMs: 30_000, now });
  const work = join(dir, 'jobs', record.id);
  await mkdir(join(work, 'segments'), { recursive: true });
  await writeFile(join(work, 'segments', 'seg-001.mp4'), Buffer.alloc(1000));
  const video = join(dir, 'videos', `video-${record.id}.mp4`);
  if (end === 'done') {
    await mkdir(join(dir, 'videos'), { recursive: true });
    await writeFile(video, Buffer.alloc(5000));
    await writeFile(join(dir, 'videos', `video-${record.id}.jpg`), Buffer.alloc(200));
    record = completeJob(
      record,
      { path: video, durationSeconds: 1, sizeBytes: 5000, width: 2, height: 2 },
      now,
    );
  } else if (end === 'failed') {
    record = failJob(record, { code: 'X', category: 'unknown', message: 'boom' } as never, now);
  }
  await jobs.create(record);
  return { id: record.id, work, video };
}

function setup(workFilesMs: number | null = DAY, videosMs: number | null = 30 * DAY) {
  const jobs = new MemoryJobStore({ clock });
  const pruner = new JobPruner({ jobs, dataDir: dir, clock, workFilesMs, videosMs });
  return { jobs, pruner, ids: sequentialIds() };
}

describe('JobPruner', () => {
  it("removes work files 24 h after the end (not 1 ms before), never a running job's, and keeps the record", async () => {
    const { jobs, pruner, ids } = setup();
    const done = await job(jobs, ids, 'done');
    const failed = await job(jobs, ids, 'failed');
    const running = await job(jobs, ids, 'running');

    now = T0 + DAY - 1;
    expect((await pruner.prune()).items).toEqual([]);
    now = T0 + DAY;
    const dry = await pruner.prune({ dryRun: true });
    expect(dry.items.map((i) => [i.jobId, i.kind, i.bytes])).toEqual(
      expect.arrayContaining([
        [done.id, 'work-files', 1000],
        [failed.id, 'work-files', 1000],
      ]),
    );
    expect(dry.items).toHaveLength(2);
    expect(existsSync(done.work)).toBe(true);

    const report = await pruner.prune();
    expect(report.freedBytes).toBe(2000);
    expect(existsSync(done.work)).toBe(false);
    expect(existsSync(failed.work)).toBe(false);
    expect(existsSync(running.work)).toBe(true);
    expect(existsSync(done.video)).toBe(true);
    const record = await jobs.get(done.id);
    expect(record?.status).toBe('done');
    expect(record?.pruned).toEqual({ workFilesAt: new Date(T0 + DAY).toISOString() });
    // Years later the running job's files are still there.
    now = T0 + 1000 * DAY;
    await pruner.prune();
    expect(existsSync(running.work)).toBe(true);
  });

  it('removes a video and its thumbnail after 30 days and marks the job', async () => {
    const { jobs, pruner, ids } = setup(null, 30 * DAY);
    const done = await job(jobs, ids, 'done');
    now = T0 + 30 * DAY - 1;
    expect((await pruner.prune()).items).toEqual([]);
    now = T0 + 30 * DAY;
    const report = await pruner.prune();
    expect(report.items).toEqual([{ jobId: done.id, kind: 'video', path: done.video, bytes: 5200 }]);
    expect(existsSync(done.video)).toBe(false);
    expect(existsSync(done.video.replace('.mp4', '.jpg'))).toBe(false);
    expect(existsSync(done.work)).toBe(true);
    const record = await jobs.get(done.id);
    expect(record?.pruned?.videoAt).toBe(new Date(now).toISOString());
    expect(record?.message).toContain('deleted by the retention policy');
    expect((await pruner.prune()).items).toEqual([]);
  });

  it('keeps everything with both ages off, and --older-than replaces both ages', async () => {
    const { jobs, pruner, ids } = setup(null, null);
    const done = await job(jobs, ids, 'done');
    now = T0 + 365 * DAY;
    expect((await pruner.prune()).items).toEqual([]);
    now = T0 + 7 * DAY - 1;
    expect((await pruner.prune({ olderThanMs: 7 * DAY })).items).toEqual([]);
    now = T0 + 7 * DAY;
    const report = await pruner.prune({ olderThanMs: 7 * DAY });
    expect(report.items.map((i) => i.kind).sort()).toEqual(['video', 'work-files']);
    expect(existsSync(done.video)).toBe(false);
  });
});

describe('RetentionSweeper', () => {
  it('sweeps after the first delay, then every interval, and stops', async () => {
    vi.useFakeTimers();
    const prune = vi.fn(async () => ({ dryRun: false, scanned: 0, items: [], freedBytes: 0 }));
    const sweeper = new RetentionSweeper({
      pruner: { prune },
      clock,
      intervalMs: HOUR,
      firstDelayMs: 60_000,
    });
    sweeper.start();
    await vi.advanceTimersByTimeAsync(59_999);
    expect(prune).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(prune).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(HOUR - 1);
    expect(prune).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(prune).toHaveBeenCalledTimes(2);
    await sweeper.stop();
    await vi.advanceTimersByTimeAsync(10 * HOUR);
    expect(prune).toHaveBeenCalledTimes(2);
  });

  it('logs a failed sweep and runs the next one on time', async () => {
    vi.useFakeTimers();
    const prune = vi
      .fn()
      .mockRejectedValueOnce(new Error('disk gone'))
      .mockResolvedValue({ dryRun: false, scanned: 0, items: [], freedBytes: 0 });
    const sweeper = new RetentionSweeper({ pruner: { prune }, clock, intervalMs: HOUR, firstDelayMs: 0 });
    sweeper.start();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(prune).toHaveBeenCalledTimes(2);
    await sweeper.stop();
  });
});
