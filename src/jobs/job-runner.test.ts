import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import type { StoredEvent } from '../domain/events.js';
import { sequentialIds } from '../domain/ids.js';
import type {
  OrchestratorHooks,
  OrchestratorJob,
  OrchestratorResult,
  VideoOrchestrator,
} from '../pipeline/video-orchestrator.js';
import { parseVideoRequest } from '../pipeline/video-request.js';
import { createMemoryStores } from '../state/memory/memory-stores.js';
import { JobEventSink } from './job-event-sink.js';
import { createJobRecord } from './job-record.js';
import { JobRunner } from './job-runner.js';
import { cancelJob } from './job-state-machine.js';

type RunFn = (
  job: OrchestratorJob,
  hooks: OrchestratorHooks,
  signal: AbortSignal,
) => Promise<OrchestratorResult>;

const RESULT: OrchestratorResult = {
  path: '/tmp/v.mp4',
  thumbnailPath: '/tmp/v.jpg',
  durationSeconds: 12,
  sizeBytes: 1000,
  width: 320,
  height: 180,
  videoCodec: 'h264',
  audioCodec: 'aac',
  served: {},
  skippedSteps: [],
};

/** Resolves when the signal aborts, rejecting with its reason (a call that honours cancellation). */
const untilAborted = (signal: AbortSignal): Promise<never> =>
  new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));

function setup(run: RunFn, leaseMs = 30_000, options: { releaseEvent?: boolean } = {}) {
  const stores = createMemoryStores({ clock: systemClock });
  const sink = new JobEventSink(stores.events, stores.jobLogs, systemClock);
  const orchestrator = {
    run: vi.fn(run),
    artifacts: async () => ['/tmp/script.json'],
  } as unknown as VideoOrchestrator;
  const ended: string[] = [];
  const makeRunner = (owner: string) =>
    new JobRunner({
      jobs: stores.jobs,
      orchestrator,
      sink,
      owner,
      leaseMs,
      pollIntervalMs: 100,
      onJobEnd: (id) => {
        ended.push(id);
        // As the gateway does when it releases the job's provider lock.
        if (options.releaseEvent) {
          void sink.append({
            type: 'lock-released',
            jobId: id,
            timestamp: 't',
            provider: 'p',
            reason: 'job ended',
          });
        }
      },
    });
  const submit = async (id: string) => {
    const request = parseVideoRequest({ brief: 'A brief long enough to pass' });
    await stores.jobs.create(
      createJobRecord(
        { request: request as unknown as Record<string, unknown>, fallbackPolicy: 'auto', id },
        { ids: sequentialIds() },
      ),
    );
  };
  const events = async (id: string): Promise<StoredEvent[]> => stores.events.read(id);
  return { stores, orchestrator, makeRunner, submit, events, ended };
}

describe('JobRunner', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('claims a queued job, runs it and records done with its output', async () => {
    const s = setup(async (_job, hooks) => {
      hooks.emit({ type: 'stage-started', stage: 'script' });
      return RESULT;
    });
    await s.submit('job_a');
    const runner = s.makeRunner('w1');
    runner.start();
    await vi.advanceTimersByTimeAsync(10);
    await runner.waitFor('job_a');
    const job = await s.stores.jobs.get('job_a');
    expect(job).toMatchObject({
      status: 'done',
      progress: 100,
      output: { path: '/tmp/v.mp4', durationSeconds: 12 },
    });
    expect((await s.events('job_a')).map((e) => e.type)).toEqual(['job-started', 'stage-started', 'done']);
    expect(s.ended).toEqual(['job_a']);
    await runner.stop();
  });

  it('records a failure with structured details and an error event', async () => {
    const s = setup(async () => {
      throw new ReelayError('REELAY_ERR_STAGE_FAILED', 'narration failed on elevenlabs', {
        stage: 'narration',
        provider: 'elevenlabs',
        category: 'quota_exceeded',
      });
    });
    await s.submit('job_f');
    const runner = s.makeRunner('w1');
    runner.start();
    await vi.advanceTimersByTimeAsync(10);
    await runner.waitFor('job_f');
    const job = await s.stores.jobs.get('job_f');
    expect(job?.status).toBe('failed');
    expect(job?.error).toMatchObject({
      code: 'REELAY_ERR_STAGE_FAILED',
      stage: 'narration',
      provider: 'elevenlabs',
    });
    expect((await s.events('job_f')).at(-1)).toMatchObject({
      type: 'error',
      error: { category: 'quota_exceeded' },
    });
    await runner.stop();
  });

  it('cancels a running job through its signal and lists partial artifacts', async () => {
    const s = setup((_job, _hooks, signal) => untilAborted(signal));
    await s.submit('job_c');
    const runner = s.makeRunner('w1');
    runner.start();
    await vi.advanceTimersByTimeAsync(10);
    const job = await runner.cancel('job_c', 'user changed their mind');
    expect(job.status).toBe('canceled');
    expect((await s.events('job_c')).at(-1)).toMatchObject({
      type: 'canceled',
      partialArtifacts: ['/tmp/script.json'],
    });
    await expect(runner.cancel('job_c')).rejects.toMatchObject({ code: 'REELAY_ERR_CONFLICT' });
    await runner.stop();
  });

  it('notices a cancel made by another process at the next lease renewal (leaseMs / 3)', async () => {
    let aborted = false;
    const s = setup(async (_job, _hooks, signal) => {
      await untilAborted(signal).catch((e) => {
        aborted = true;
        throw e;
      });
      return RESULT;
    }, 3000);
    await s.submit('job_x');
    const runner = s.makeRunner('w1');
    runner.start();
    await vi.advanceTimersByTimeAsync(10);
    await s.stores.jobs.update('job_x', (r) => cancelJob(r, 'canceled elsewhere', Date.now()));
    await vi.advanceTimersByTimeAsync(980);
    expect(aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(20);
    await runner.waitFor('job_x');
    expect(aborted).toBe(true);
    expect((await s.stores.jobs.get('job_x'))?.status).toBe('canceled');
    await runner.stop();
  });

  it('stops a job canceled by another process at once when told (the pub/sub cancel), without a second canceled event', async () => {
    let aborted = false;
    const s = setup(async (_job, _hooks, signal) => {
      await untilAborted(signal).catch((e) => {
        aborted = true;
        throw e;
      });
      return RESULT;
    }, 3000);
    await s.submit('job_y');
    const runner = s.makeRunner('w1');
    runner.start();
    await vi.advanceTimersByTimeAsync(10);
    // Another process (the API instance) records the cancel and its event, then tells this worker.
    const elsewhere = s.makeRunner('api');
    await elsewhere.cancel('job_y', 'canceled on the API instance');
    expect(aborted).toBe(false);
    const job = await runner.cancel('job_y', 'canceled on the API instance');
    expect(aborted).toBe(true);
    expect(job.status).toBe('canceled');
    expect(runner.activeJobs()).not.toContain('job_y');
    expect((await s.events('job_y')).filter((e) => e.type === 'canceled')).toHaveLength(1);
    await runner.stop();
  });

  it('leaves a job to another worker when stopped mid-job, which resumes it once the lease lapses', async () => {
    let calls = 0;
    const s = setup(async (_job, _hooks, signal) => {
      calls++;
      if (calls === 1) return untilAborted(signal);
      return RESULT;
    }, 3000);
    await s.submit('job_r');
    const first = s.makeRunner('w1');
    first.start();
    await vi.advanceTimersByTimeAsync(10);
    await first.stop();
    expect((await s.stores.jobs.get('job_r'))?.status).toBe('running');
    const second = s.makeRunner('w2');
    second.start();
    await vi.advanceTimersByTimeAsync(2900);
    expect(calls).toBe(1); // lease not yet lapsed
    await vi.advanceTimersByTimeAsync(200);
    await second.waitFor('job_r');
    const job = await s.stores.jobs.get('job_r');
    expect(job).toMatchObject({ status: 'done', attempts: 2 });
    await second.stop();
  });

  it('releases locks before the terminal event, which stays the last event of the job', async () => {
    const s = setup(async () => RESULT, 30_000, { releaseEvent: true });
    await s.submit('job_l');
    const runner = s.makeRunner('w1');
    runner.start();
    await vi.advanceTimersByTimeAsync(10);
    await runner.waitFor('job_l');
    const types = (await s.events('job_l')).map((e) => e.type);
    expect(types).toEqual(['job-started', 'lock-released', 'done']);
    await runner.stop();
  });

  it('keeps the canceled event last, even when the aborted job emits afterwards', async () => {
    const s = setup(
      async (_job, hooks, signal) => {
        await untilAborted(signal).catch((e) => {
          hooks.emit({ type: 'stage-started', stage: 'render' });
          throw e;
        });
        return RESULT;
      },
      30_000,
      { releaseEvent: true },
    );
    await s.submit('job_k');
    const runner = s.makeRunner('w1');
    runner.start();
    await vi.advanceTimersByTimeAsync(10);
    await runner.cancel('job_k', 'user');
    const types = (await s.events('job_k')).map((e) => e.type);
    expect(types.at(-1)).toBe('canceled');
    expect(types.filter((t) => t === 'canceled')).toHaveLength(1);
    await runner.stop();
  });

  it('changes nothing when the cancel cannot be recorded: the job keeps running', async () => {
    let aborted = false;
    const s = setup(async (_job, _hooks, signal) => {
      await untilAborted(signal).catch((e) => {
        aborted = true;
        throw e;
      });
      return RESULT;
    });
    await s.submit('job_n');
    const runner = s.makeRunner('w1');
    runner.start();
    await vi.advanceTimersByTimeAsync(10);
    const update = s.stores.jobs.update.bind(s.stores.jobs);
    const spy = vi.spyOn(s.stores.jobs, 'update').mockRejectedValueOnce(new Error('store refused the text'));
    await expect(runner.cancel('job_n', 'user')).rejects.toThrow('store refused the text');
    spy.mockImplementation(update);
    expect(aborted).toBe(false);
    expect((await s.stores.jobs.get('job_n'))?.status).toBe('running');
    expect((await s.events('job_n')).map((e) => e.type)).not.toContain('canceled');
    await runner.cancel('job_n', 'user, again');
    expect(aborted).toBe(true);
    expect((await s.stores.jobs.get('job_n'))?.status).toBe('canceled');
    await runner.stop();
  });
});
