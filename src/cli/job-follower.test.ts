import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReelayEvent, StoredEvent } from '../domain/events.js';
import { createJobRecord, type JobRecord } from '../jobs/job-record.js';
import type { ReelayService } from '../jobs/reelay-service.js';
import { MemoryEventLog } from '../state/memory/memory-event-log.js';
import { followJob } from './job-follower.js';

const T = '2026-05-01T09:00:00.000Z';
type Without<E> = E extends unknown ? Omit<E, 'jobId' | 'timestamp'> : never;

function fakeService() {
  const log = new MemoryEventLog();
  const job: { record: JobRecord } = {
    record: createJobRecord({ request: {}, fallbackPolicy: 'auto', id: 'job_1' }),
  };
  let subscribers = 0;
  const service = {
    readEvents: (id: string, after?: number) => log.read(id, after),
    subscribe: (id: string, fn: (e: StoredEvent) => void) => {
      subscribers += 1;
      const sub = log.subscribe(id, fn);
      return {
        dispose: () => {
          subscribers -= 1;
          sub.dispose();
        },
      };
    },
    getJob: async () => job.record,
  } as unknown as ReelayService;
  const append = (e: Without<ReelayEvent>): Promise<StoredEvent> =>
    log.append({ jobId: 'job_1', timestamp: T, ...e } as ReelayEvent);
  return { service, job, append, subscribers: () => subscribers };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('followJob (local service)', () => {
  it('delivers past events, then live ones, each once and in id order, and resolves at the terminal event', async () => {
    const f = fakeService();
    await f.append({ type: 'job-queued', brief: 'b' });
    await f.append({ type: 'job-started', attempt: 1 });
    const seen: number[] = [];
    const done = followJob(f.service, 'job_1', (e) => seen.push(e.id));
    await vi.advanceTimersByTimeAsync(0);
    await f.append({ type: 'stage-started', stage: 'brief' });
    f.job.record = { ...f.job.record, status: 'done' };
    await f.append({ type: 'done', videoUrl: '/v', outputPath: '/tmp/v.mp4', durationSeconds: 1 });
    await f.append({ type: 'lock-released', provider: 'x', reason: 'after the end' });
    const final = await done;
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(final.status).toBe('done');
    expect(f.subscribers()).toBe(0);
  });

  it('reads the status every 2000 ms as a safety net: a job that ended without its event resolves at 2000, not 1999', async () => {
    const f = fakeService();
    let resolved = false;
    const done = followJob(f.service, 'job_1', () => {}).then((j) => {
      resolved = true;
      return j;
    });
    await vi.advanceTimersByTimeAsync(0);
    f.job.record = { ...f.job.record, status: 'failed' };
    await vi.advanceTimersByTimeAsync(1999);
    expect(resolved).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(resolved).toBe(true);
    expect((await done).status).toBe('failed');
  });

  it('keeps polling while the job runs (4000 ms: still following)', async () => {
    const f = fakeService();
    let resolved = false;
    void followJob(f.service, 'job_1', () => {}).then(() => {
      resolved = true;
    });
    await vi.advanceTimersByTimeAsync(4000);
    expect(resolved).toBe(false);
    expect(f.subscribers()).toBe(1);
    await f.append({ type: 'canceled', reason: 'r', partialArtifacts: [] });
    await vi.advanceTimersByTimeAsync(0);
    expect(resolved).toBe(true);
  });

  it('an abort rejects with the signal’s reason and unsubscribes', async () => {
    const f = fakeService();
    const controller = new AbortController();
    const done = followJob(f.service, 'job_1', () => {}, { signal: controller.signal });
    await vi.advanceTimersByTimeAsync(0);
    controller.abort(new Error('stop'));
    await expect(done).rejects.toThrow('stop');
    expect(f.subscribers()).toBe(0);
  });
});
