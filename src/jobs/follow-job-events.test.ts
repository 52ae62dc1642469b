import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../domain/clock.js';
import type { ReelayEvent } from '../domain/events.js';
import type { EventLog } from '../state/event-log.js';
import { MemoryEventLog } from '../state/memory/memory-event-log.js';
import { followJobEvents } from './follow-job-events.js';

/**
 * One log, two processes: `local` appends reach this process's subscribers, `remote` appends
 * (another process) do not.
 */
function sharedLog(): { log: EventLog; remote: (e: ReelayEvent) => Promise<unknown> } {
  const store = new MemoryEventLog();
  const subscribers = new Set<(id: number) => void>();
  const log: EventLog = {
    append: async (e) => {
      const stored = await store.append(e);
      for (const s of subscribers) s(stored.id);
      return stored;
    },
    read: (id, after, limit) => store.read(id, after, limit),
    lastId: (id) => store.lastId(id),
    subscribe: (jobId, listener) => {
      const s = (id: number): void => {
        void store.read(jobId, id - 1, 1).then(([e]) => e && listener(e));
      };
      subscribers.add(s);
      return { dispose: () => subscribers.delete(s) };
    },
  };
  return { log, remote: (e) => store.append(e) };
}

const progress = (n: number): ReelayEvent => ({
  type: 'progress',
  jobId: 'job_1',
  timestamp: 't',
  percentage: n,
  stage: 'script',
  message: 'm',
});

describe('followJobEvents on a shared store', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('never skips a remote event that a local one overtook, and reads the gap at once', async () => {
    const { log, remote } = sharedLog();
    const seen: number[] = [];
    const sub = followJobEvents('job_1', (e) => seen.push(e.id), {
      events: log,
      clock: systemClock,
      sharedStore: true,
      pollMs: 500,
    });
    await vi.advanceTimersByTimeAsync(0);
    await log.append(progress(1)); // id 1, follows the baseline 0: delivered at once
    expect(seen).toEqual([1]);
    await remote(progress(2)); // id 2, another process
    // id 3, local, but 2 was not delivered yet: not delivered before 2; the gap makes the log be
    // read at once instead of at the next poll (500 ms later), so both arrive now, in order.
    await log.append(progress(3));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([1, 2, 3]);
    sub.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('delivers a local event appended before the first poll knew where to start', async () => {
    const { log, remote } = sharedLog();
    await remote(progress(1));
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    // The baseline query answers only after the local append: it already counts id 2.
    const slow: EventLog = {
      ...log,
      lastId: async (id) => {
        await gate;
        return log.lastId(id);
      },
    };
    const seen: number[] = [];
    const sub = followJobEvents('job_1', (e) => seen.push(e.id), {
      events: slow,
      clock: systemClock,
      sharedStore: true,
    });
    await log.append(progress(2));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([]);
    open();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([2]);
    sub.dispose();
  });

  it('replays after afterId, then follows', async () => {
    const { log, remote } = sharedLog();
    await remote(progress(1));
    await remote(progress(2));
    const seen: number[] = [];
    const sub = followJobEvents('job_1', (e) => seen.push(e.id), {
      events: log,
      clock: systemClock,
      sharedStore: true,
      pollMs: 100,
      afterId: 0,
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([1, 2]);
    await remote(progress(3));
    await vi.advanceTimersByTimeAsync(99);
    expect(seen).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toEqual([1, 2, 3]);
    sub.dispose();
    await remote(progress(4));
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toEqual([1, 2, 3]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
