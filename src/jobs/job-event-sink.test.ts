import { describe, expect, it } from 'vitest';
import { progressEvent } from '../../test/support/progress-event.js';
import type { Disposable } from '../domain/disposable.js';
import type { ReelayEvent, StoredEvent } from '../domain/events.js';
import type { EventLog } from '../state/event-log.js';
import { MemoryEventLog } from '../state/memory/memory-event-log.js';
import { MemoryJobLogStore } from '../state/memory/memory-job-log-store.js';
import { JobEventSink } from './job-event-sink.js';

const progress = progressEvent;

/** A memory log whose writes wait until `release()`; records the size of every write. */
class GatedLog implements EventLog {
  readonly inner = new MemoryEventLog();
  readonly writes: number[] = [];
  failBatches = false;
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => {};

  hold(): void {
    this.gate = new Promise((resolve) => {
      this.open = resolve;
    });
  }

  release(): void {
    this.open();
  }

  async append(event: ReelayEvent): Promise<StoredEvent> {
    this.writes.push(1);
    await this.gate;
    return this.inner.append(event);
  }

  async appendMany(events: readonly ReelayEvent[]): Promise<StoredEvent[]> {
    this.writes.push(events.length);
    await this.gate;
    if (this.failBatches) throw new Error('batch refused');
    return this.inner.appendMany(events);
  }

  read(jobId: string, afterId?: number, limit?: number): Promise<StoredEvent[]> {
    return this.inner.read(jobId, afterId, limit);
  }

  lastId(jobId: string): Promise<number> {
    return this.inner.lastId(jobId);
  }

  subscribe(jobId: string, listener: (event: StoredEvent) => void): Disposable {
    return this.inner.subscribe(jobId, listener);
  }
}

describe('JobEventSink', () => {
  it('writes the events queued behind a write in progress as one batch, in emission order', async () => {
    const log = new GatedLog();
    const sink = new JobEventSink(log, new MemoryJobLogStore());
    const told: number[] = [];
    sink.onStored((e) => told.push(e.id));
    log.hold();
    const first = sink.append(progress('j', 1));
    const queued = [2, 3, 4, 5].map((n) => sink.append(progress('j', n)));
    log.release();
    const stored = await Promise.all([first, ...queued]);
    // One write for the first event, one for the four that queued up behind it.
    expect(log.writes).toEqual([1, 4]);
    expect(stored.map((e) => [e?.id, e?.type === 'progress' ? e.percentage : -1])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
      [5, 5],
    ]);
    expect(told).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps jobs apart: a slow write of one job does not hold another job', async () => {
    const log = new GatedLog();
    const sink = new JobEventSink(log, new MemoryJobLogStore());
    log.hold();
    const a = sink.append(progress('a', 1));
    const b = sink.append(progress('b', 1));
    // Both writes started while the first one is still in progress: no wait across jobs.
    expect(log.writes).toEqual([1, 1]);
    log.release();
    expect([(await a)?.id, (await b)?.id]).toEqual([1, 1]);
  });

  it('when a batch write fails, stores its events one at a time, in order', async () => {
    const log = new GatedLog();
    log.failBatches = true;
    const sink = new JobEventSink(log, new MemoryJobLogStore());
    log.hold();
    const all = [1, 2, 3].map((n) => sink.append(progress('j', n)));
    log.release();
    const stored = await Promise.all(all);
    expect(stored.map((e) => e?.id)).toEqual([1, 2, 3]);
    expect(log.writes).toEqual([1, 2, 1, 1]);
    expect((await log.read('j')).map((e) => (e.type === 'progress' ? e.percentage : -1))).toEqual([1, 2, 3]);
  });

  it('the terminal event stays last: events after it are dropped, also while it is queued', async () => {
    const log = new GatedLog();
    const sink = new JobEventSink(log, new MemoryJobLogStore());
    log.hold();
    const before = sink.append(progress('j', 1));
    const done = sink.append({
      type: 'done',
      jobId: 'j',
      timestamp: '2026-12-02T00:00:00.000Z',
      videoUrl: '/v.mp4',
      outputPath: '/tmp/v.mp4',
      durationSeconds: 1,
    });
    const late = sink.append(progress('j', 2));
    log.release();
    expect(await late).toBeUndefined();
    await Promise.all([before, done]);
    expect((await log.read('j')).map((e) => e.type)).toEqual(['progress', 'done']);
  });

  it('flushAll resolves once every queued event of every job is stored', async () => {
    const log = new GatedLog();
    const sink = new JobEventSink(log, new MemoryJobLogStore());
    log.hold();
    for (const job of ['a', 'b']) for (const n of [1, 2]) void sink.append(progress(job, n));
    let flushed = false;
    const all = sink.flushAll().then(() => {
      flushed = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(flushed).toBe(false);
    log.release();
    await all;
    expect([await log.lastId('a'), await log.lastId('b')]).toEqual([2, 2]);
  });

  it('flush resolves once every queued event is stored', async () => {
    const log = new GatedLog();
    const sink = new JobEventSink(log, new MemoryJobLogStore());
    log.hold();
    for (const n of [1, 2, 3]) void sink.append(progress('j', n));
    const flushed = sink.flush('j');
    log.release();
    await flushed;
    expect(await log.lastId('j')).toBe(3);
  });
});
