import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReelayError } from '../../domain/errors.js';
import type { Heartbeat } from '../../domain/heartbeat.js';
import type { AsyncJobOptions, AsyncJobStatus } from './async-job-types.js';
import { classifyJobFailure } from './job-failure.js';
import { runAsyncJob } from './run-async-job.js';

interface Harness {
  options: AsyncJobOptions;
  beats: Heartbeat[];
  calls: string[];
  controller: AbortController;
}

function harness(script: Array<AsyncJobStatus | Error>, overrides: Partial<AsyncJobOptions> = {}): Harness {
  const beats: Heartbeat[] = [];
  const calls: string[] = [];
  const controller = new AbortController();
  let i = 0;
  const options: AsyncJobOptions = {
    provider: 'Fake',
    outPath: '/tmp/out.mp4',
    signal: controller.signal,
    pollIntervalMs: 1000,
    heartbeat: (b) => beats.push(b),
    create: async () => {
      calls.push('create');
      return 'job_1';
    },
    poll: async (id) => {
      calls.push(`poll:${id}`);
      const next = script[Math.min(i, script.length - 1)];
      i += 1;
      if (next instanceof Error) throw next;
      return next as AsyncJobStatus;
    },
    cancel: async (id) => {
      calls.push(`cancel:${id}`);
    },
    download: async (url, out) => {
      calls.push(`download:${url}->${out}`);
    },
    ...overrides,
  };
  return { options, beats, calls, controller };
}

const running = (percent?: number, remoteState = 'RUNNING'): AsyncJobStatus => ({
  state: 'running',
  percent,
  remoteState,
});
const done: AsyncJobStatus = { state: 'succeeded', resultUrl: 'http://x/out.mp4', remoteState: 'SUCCEEDED' };

describe('runAsyncJob', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('polls one interval after create and then every interval, not before', async () => {
    const h = harness([running(10), running(20), done]);
    const result = runAsyncJob(h.options);
    await vi.advanceTimersByTimeAsync(999);
    expect(h.calls).toEqual(['create']);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.calls).toEqual(['create', 'poll:job_1']);
    await vi.advanceTimersByTimeAsync(999);
    expect(h.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1000);
    await expect(result).resolves.toMatchObject({ jobId: 'job_1', polls: 3, elapsedMs: 3000 });
    expect(h.calls.at(-1)).toBe('download:http://x/out.mp4->/tmp/out.mp4');
  });

  it('pushes percent heartbeats only when the percent rises, and messages on state changes', async () => {
    const h = harness([
      running(undefined, 'PENDING'),
      running(10),
      running(10),
      running(5),
      running(40),
      done,
    ]);
    const result = runAsyncJob(h.options);
    await vi.advanceTimersByTimeAsync(6000);
    await result;
    const percents = h.beats.filter((b) => b.percent !== undefined).map((b) => b.percent);
    expect(percents).toEqual([10, 40, 100]);
    expect(h.beats.some((b) => b.message === 'Fake: PENDING')).toBe(true);
    expect(h.beats.some((b) => b.message === 'Fake: SUCCEEDED')).toBe(true);
  });

  it('maps a remote failure with a moderation code to a non-retryable quality_failure', async () => {
    const h = harness([
      running(10),
      { state: 'failed', error: { code: 'SAFETY.INPUT.TEXT', message: 'no' } },
    ]);
    const result = runAsyncJob(h.options);
    const caught = result.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(2000);
    const error = (await caught) as ReelayError;
    expect(error.category).toBe('quality_failure');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('SAFETY.INPUT.TEXT');
    expect(h.calls).not.toContain('cancel:job_1');
  });

  it('cancels the remote job on abort, before rejecting', async () => {
    const h = harness([running(10)]);
    const result = runAsyncJob(h.options).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1500);
    h.controller.abort(new Error('user canceled'));
    const error = (await result) as ReelayError;
    expect(error.code).toBe('REELAY_ERR_CANCELED');
    expect(error.details.remoteCancel).toBe('canceled');
    expect(h.calls.at(-1)).toBe('cancel:job_1');
  });

  it('rethrows a ReelayError abort reason unchanged (e.g. the gateway stall)', async () => {
    const h = harness([running(10)]);
    const result = runAsyncJob(h.options).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1000);
    const stall = new ReelayError('REELAY_ERR_STALLED', 'stalled');
    h.controller.abort(stall);
    expect(await result).toBe(stall);
    expect(h.calls).toContain('cancel:job_1');
  });

  it('bounds a hanging remote cancel by cancelTimeoutMs', async () => {
    const h = harness([running(10)], { cancel: () => new Promise(() => {}), cancelTimeoutMs: 3000 });
    let settled: unknown;
    void runAsyncJob(h.options).catch((e: unknown) => {
      settled = e;
    });
    await vi.advanceTimersByTimeAsync(1000);
    h.controller.abort(new Error('stop'));
    await vi.advanceTimersByTimeAsync(2999);
    expect(settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect((settled as ReelayError).details.remoteCancel).toBe('timed_out');
  });

  it('tolerates retryable poll errors, honouring retryAfterMs, then gives up and cancels', async () => {
    const limited = new ReelayError('REELAY_ERR_PROVIDER', 'slow down', {
      category: 'rate_limit',
      retryable: true,
      retryAfterMs: 5000,
    });
    const h = harness([limited, running(30), limited, limited, limited, limited], { maxPollErrors: 3 });
    const result = runAsyncJob(h.options).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.calls.filter((c) => c.startsWith('poll'))).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(4999);
    expect(h.calls.filter((c) => c.startsWith('poll'))).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.calls.filter((c) => c.startsWith('poll'))).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await result).toBe(limited);
    expect(h.calls.at(-1)).toBe('cancel:job_1');
  });

  it('fails at once on a non-retryable poll error', async () => {
    const auth = new ReelayError('REELAY_ERR_PROVIDER', 'bad key', { category: 'authentication' });
    const h = harness([auth]);
    const result = runAsyncJob(h.options).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await result).toBe(auth);
  });

  it('treats a success without result URL and a remote cancel as retryable api failures', async () => {
    for (const status of [{ state: 'succeeded' }, { state: 'canceled' }] as AsyncJobStatus[]) {
      const h = harness([status]);
      const result = runAsyncJob(h.options).catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(1000);
      const error = (await result) as ReelayError;
      expect(error.category).toBe('api_failure');
      expect(error.retryable).toBe(true);
    }
  });

  it('does not let a throwing heartbeat listener fail the job', async () => {
    const h = harness([running(50), done], {
      heartbeat: () => {
        throw new Error('listener bug');
      },
    });
    const result = runAsyncJob(h.options);
    await vi.advanceTimersByTimeAsync(2000);
    await expect(result).resolves.toMatchObject({ polls: 2 });
  });
});

describe('classifyJobFailure', () => {
  it.each([
    ['SAFETY.OUTPUT.VIDEO', undefined, 'quality_failure', false],
    ['INPUT_PREPROCESSING.SAFETY.TEXT', undefined, 'quality_failure', false],
    ['INTERNAL.BAD_OUTPUT.CODE01', undefined, 'api_failure', true],
    ['ASSET.INVALID', undefined, 'processing_error', false],
    ['40119', 'Video is too long (> 3600.0s). Please upgrade your plan', 'quota_exceeded', false],
    [undefined, 'something odd', 'api_failure', true],
  ])('%s / %s → %s', (code, message, category, retryable) => {
    const error = classifyJobFailure('P', { code, message }, 'j');
    expect(error.category).toBe(category);
    expect(error.retryable).toBe(retryable);
    expect(error.details.jobId).toBe('j');
  });
});
