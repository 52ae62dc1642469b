import { describe, expect, it } from 'vitest';
import type { Clock } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import type { FailureDetails } from '../domain/events.js';
import { sequentialIds } from '../domain/ids.js';
import { createJobRecord, JOB_STATUSES, type JobRecord, type JobStatus, toApiStatus } from './job-record.js';
import {
  addArtifacts,
  cancelJob,
  canTransition,
  completeJob,
  failJob,
  isLeaseExpired,
  recoverJob,
  renewJobLease,
  reportProgress,
  startJob,
} from './job-state-machine.js';

const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const clock: Clock = { now: () => T0, setTimeout: () => 0 as never, clearTimeout: () => {} };
const output = { path: '/out/v.mp4', durationSeconds: 12, sizeBytes: 1000, width: 1920, height: 1080 };
const failure: FailureDetails = { code: 'REELAY_ERR_PROVIDER', message: 'OpenAI failed', retryable: false };

function queued(): JobRecord {
  return createJobRecord(
    { request: { brief: 'tides' }, fallbackPolicy: 'ask' },
    { clock, ids: sequentialIds() },
  );
}
const running = (): JobRecord => startJob(queued(), { owner: 'w1', leaseMs: 1000, now: T0 });

/** Reaches each status through legal moves only. */
function inStatus(status: JobStatus): JobRecord {
  switch (status) {
    case 'queued':
      return queued();
    case 'running':
      return running();
    case 'done':
      return completeJob(running(), output, T0 + 5);
    case 'failed':
      return failJob(running(), failure, T0 + 5);
    case 'canceled':
      return cancelJob(queued(), 'user', T0 + 5);
  }
}

/** Attempts the move to `to` with the function that performs it. */
function move(job: JobRecord, to: JobStatus): JobRecord {
  switch (to) {
    case 'queued':
      return recoverJob(job, T0 + 10_000);
    case 'running':
      return startJob(job, { owner: 'w2', leaseMs: 1000, now: T0 + 10_000 });
    case 'done':
      return completeJob(job, output, T0 + 10_000);
    case 'failed':
      return failJob(job, failure, T0 + 10_000);
    case 'canceled':
      return cancelJob(job, 'user', T0 + 10_000);
  }
}

const LEGAL = new Set([
  'queued>running',
  'queued>canceled',
  'running>done',
  'running>failed',
  'running>canceled',
  'running>queued',
]);

describe('job record', () => {
  it('starts queued at version 1 with ids from the generator and maps API words', () => {
    const job = queued();
    expect(job).toMatchObject({
      id: 'job_1',
      correlationId: 'corr_1',
      status: 'queued',
      version: 1,
      progress: 0,
    });
    expect(job.createdAt).toBe('2025-01-01T00:00:00.000Z');
    expect(JOB_STATUSES.map(toApiStatus)).toEqual([
      'pending',
      'processing',
      'completed',
      'failed',
      'canceled',
    ]);
  });
});

describe('job transitions', () => {
  for (const from of JOB_STATUSES) {
    for (const to of JOB_STATUSES) {
      const legal = LEGAL.has(`${from}>${to}`);
      if (from === to) continue;
      it(`${from} → ${to} is ${legal ? 'legal' : 'refused'}`, () => {
        expect(canTransition(from, to)).toBe(legal);
        const job = inStatus(from);
        if (legal) {
          expect(move(job, to).status).toBe(to);
          return;
        }
        let caught: unknown;
        try {
          move(job, to);
        } catch (error) {
          caught = error;
        }
        expect(ReelayError.isInstance(caught)).toBe(true);
        const err = caught as ReelayError;
        expect(err.code).toBe('REELAY_ERR_CONFLICT');
        expect(err.message).toContain(job.id);
        expect(err.message).toContain(`${from} → ${to}`);
        expect(err.details).toMatchObject({ jobId: job.id, status: from, attempted: to });
      });
    }
  }

  it('start counts attempts, takes a lease and keeps the first startedAt', () => {
    const first = startJob(queued(), { owner: 'w1', leaseMs: 30_000, now: T0 + 1 });
    expect(first).toMatchObject({
      attempts: 1,
      lease: { owner: 'w1', expiresAt: '2025-01-01T00:00:30.001Z' },
    });
    const again = startJob(recoverJob(first, T0 + 30_001), { owner: 'w2', leaseMs: 10, now: T0 + 40_000 });
    expect(again.attempts).toBe(2);
    expect(again.startedAt).toBe(first.startedAt);
    expect(again.lease?.owner).toBe('w2');
  });

  it('recovery is refused 1 ms before the lease expires and allowed exactly at expiry', () => {
    const job = startJob(queued(), { owner: 'w1', leaseMs: 5000, now: T0 });
    expect(isLeaseExpired(job, T0 + 4999)).toBe(false);
    expect(() => recoverJob(job, T0 + 4999)).toThrow(/lease held by w1/);
    expect(isLeaseExpired(job, T0 + 5000)).toBe(true);
    const back = recoverJob({ ...job, progress: 40, artifacts: ['a.wav'] }, T0 + 5000);
    expect(back).toMatchObject({ status: 'queued', lease: null, progress: 40, artifacts: ['a.wav'] });
  });

  it('lease renewal works for the owner only', () => {
    const job = running();
    expect(renewJobLease(job, 'w1', 2000, T0 + 500).lease?.expiresAt).toBe('2025-01-01T00:00:02.500Z');
    expect(() => renewJobLease(job, 'w9', 2000, T0 + 500)).toThrow(/w9 cannot renew.*leased by w1/);
    expect(() => renewJobLease(inStatus('done'), 'w1', 2000, T0)).toThrow(/done with no lease/);
  });

  it('progress is monotonic and clamped; lower values are ignored, not errors', () => {
    let job = reportProgress(running(), { progress: 30, stage: 'script', message: 'writing' }, T0);
    expect(job).toMatchObject({ progress: 30, stage: 'script', message: 'writing' });
    job = reportProgress(job, { progress: 20, stage: 'narration' }, T0);
    expect(job).toMatchObject({ progress: 30, stage: 'narration' });
    expect(reportProgress(job, { progress: 250 }, T0).progress).toBe(100);
    expect(reportProgress(job, { progress: -5 }, T0).progress).toBe(30);
    expect(reportProgress(job, { progress: Number.NaN }, T0).progress).toBe(30);
    expect(() => reportProgress(queued(), { progress: 5 }, T0)).toThrow(/only while a job is running/);
    expect(() => reportProgress(inStatus('failed'), { progress: 5 }, T0)).toThrow(ReelayError);
  });

  it('done forces 100 and drops the lease; failed and canceled keep progress', () => {
    const mid = reportProgress(running(), { progress: 55 }, T0);
    expect(completeJob(mid, output, T0 + 9)).toMatchObject({
      progress: 100,
      lease: null,
      output,
      finishedAt: '2025-01-01T00:00:00.009Z',
    });
    expect(failJob(mid, failure, T0)).toMatchObject({ progress: 55, lease: null, error: failure });
    expect(cancelJob(mid, 'user asked', T0)).toMatchObject({ progress: 55, message: 'Canceled: user asked' });
  });

  it('artifacts are deduplicated and frozen once the job ends', () => {
    const job = addArtifacts(running(), ['a', 'b', 'a'], T0);
    expect(addArtifacts(job, ['b', 'c'], T0).artifacts).toEqual(['a', 'b', 'c']);
    expect(() => addArtifacts(inStatus('canceled'), ['x'], T0)).toThrow(/terminal state/);
  });

  it('transition functions never mutate their input', () => {
    const job = running();
    const snapshot = structuredClone(job);
    completeJob(job, output, T0);
    reportProgress(job, { progress: 80 }, T0);
    expect(job).toEqual(snapshot);
  });
});
