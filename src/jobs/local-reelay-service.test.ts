import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../domain/clock.js';
import type { StoredEvent } from '../domain/events.js';
import type { EventLog } from '../state/event-log.js';
import { MemoryEventLog } from '../state/memory/memory-event-log.js';
import { LocalReelayService, type LocalServiceParts } from './local-reelay-service.js';

/** An event log written by "another process": appends never reach this process's subscribers. */
function remoteLog(): { log: EventLog; writer: MemoryEventLog } {
  const writer = new MemoryEventLog();
  const log: EventLog = {
    append: (e) => writer.append(e),
    read: (id, after, limit) => writer.read(id, after, limit),
    lastId: (id) => writer.lastId(id),
    subscribe: () => ({ dispose: () => {} }),
  };
  return { log, writer };
}

function service(events: EventLog, sharedStore: boolean): LocalReelayService {
  const parts = { stores: { events }, clock: systemClock, sharedStore, sharedPollMs: 500 };
  return new LocalReelayService(parts as unknown as LocalServiceParts);
}

const progress = (n: number) =>
  ({
    type: 'progress',
    jobId: 'job_1',
    timestamp: 't',
    percentage: n,
    stage: 'script',
    message: 'm',
  }) as const;

describe('LocalReelayService.subscribe', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('delivers events written by another process on a shared store, in order and once', async () => {
    const { log, writer } = remoteLog();
    await writer.append(progress(1)); // before the subscription: not delivered (replay is the caller's job)
    const seen: StoredEvent[] = [];
    const sub = service(log, true).subscribe('job_1', (e) => seen.push(e));
    await vi.advanceTimersByTimeAsync(0);
    await writer.append(progress(2));
    await writer.append(progress(3));
    await vi.advanceTimersByTimeAsync(499);
    expect(seen).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.map((e) => e.id)).toEqual([2, 3]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen.map((e) => e.id)).toEqual([2, 3]);
    sub.dispose();
    await writer.append(progress(4));
    await vi.advanceTimersByTimeAsync(2000);
    expect(seen).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not poll a store only this process writes to', async () => {
    const log = new MemoryEventLog();
    const seen: number[] = [];
    const sub = service(log, false).subscribe('job_1', (e) => seen.push(e.id));
    await log.append(progress(1));
    expect(seen).toEqual([1]);
    expect(vi.getTimerCount()).toBe(0);
    sub.dispose();
  });
});
