import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReelayEvent, StoredEvent } from '../../domain/events.js';
import { MemoryEventLog } from '../../state/memory/memory-event-log.js';
import { formatSseFrame, type SseEndReason, SseSession, type SseSink } from './sse-session.js';

class MemorySink implements SseSink {
  chunks: string[] = [];
  ended = 0;
  writableLength = 0;
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
  end(): void {
    this.ended += 1;
  }
  ids(): number[] {
    return this.chunks.flatMap((c) => [...c.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1])));
  }
}

const progress = (n: number): ReelayEvent => ({
  type: 'progress',
  jobId: 'j',
  timestamp: '2025-01-01T00:00:00.000Z',
  percentage: n,
  stage: 'script',
  message: `step ${n}`,
});

function asService(log: MemoryEventLog) {
  return { readEvents: log.read.bind(log), subscribe: log.subscribe.bind(log) };
}

async function logWith(count: number): Promise<MemoryEventLog> {
  const log = new MemoryEventLog();
  for (let i = 1; i <= count; i++) await log.append(progress(i));
  return log;
}

describe('SseSession', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes retry first, then frames with id, event and the JSON event', async () => {
    const log = await logWith(1);
    const sink = new MemorySink();
    const session = new SseSession({ service: asService(log), jobId: 'j', sink, keepAliveMs: 0 });
    await session.start();
    expect(sink.chunks[0]).toBe('retry: 2000\n\n');
    const frame = sink.chunks[1] ?? '';
    expect(frame).toMatch(/^id: 1\nevent: progress\ndata: \{.*\}\n\n$/);
    const data = JSON.parse(frame.split('\n')[2]?.slice(6) ?? '') as StoredEvent;
    expect(data).toMatchObject({ id: 1, type: 'progress', percentage: 1 });
    session.close('client-gone');
  });

  it('replays after Last-Event-ID, then streams live events with no gap and no duplicate', async () => {
    const log = await logWith(5);
    // Events appended while the replay read is in flight reach the live listener too.
    const slowLog = {
      subscribe: log.subscribe.bind(log),
      readEvents: async (jobId: string, afterId?: number, limit?: number) => {
        const page = await log.read(jobId, afterId, limit);
        await log.append(progress(6));
        await log.append(progress(7));
        return page;
      },
    };
    const sink = new MemorySink();
    const session = new SseSession({ service: slowLog, jobId: 'j', afterId: 2, sink, keepAliveMs: 0 });
    await session.start();
    await log.append(progress(8));
    expect(sink.ids()).toEqual([3, 4, 5, 6, 7, 8]);
    session.close('client-gone');
  });

  it('does not duplicate a live event that the replay also returned', async () => {
    const log = await logWith(2);
    const service = {
      subscribe: log.subscribe.bind(log),
      readEvents: async (jobId: string, afterId?: number, limit?: number) => {
        await log.append(progress(3)); // lands in the live buffer AND in this replay page
        return log.read(jobId, afterId, limit);
      },
    };
    const sink = new MemorySink();
    const session = new SseSession({ service, jobId: 'j', sink, keepAliveMs: 0 });
    await session.start();
    expect(sink.ids()).toEqual([1, 2, 3]);
    session.close('client-gone');
  });

  it('pages the replay', async () => {
    const log = await logWith(7);
    const sink = new MemorySink();
    const session = new SseSession({
      service: asService(log),
      jobId: 'j',
      sink,
      keepAliveMs: 0,
      replayPageSize: 3,
    });
    await session.start();
    expect(sink.ids()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    session.close('client-gone');
  });

  it('ends after the terminal event and stops listening', async () => {
    const log = await logWith(1);
    const sink = new MemorySink();
    const reasons: SseEndReason[] = [];
    const session = new SseSession({
      service: asService(log),
      jobId: 'j',
      sink,
      onEnd: (r) => reasons.push(r),
    });
    await session.start();
    await log.append({ type: 'canceled', jobId: 'j', timestamp: 't', reason: 'user', partialArtifacts: [] });
    await log.append(progress(99));
    expect(sink.ids()).toEqual([1, 2]);
    expect(sink.ended).toBe(1);
    expect(reasons).toEqual(['terminal']);
    session.close('client-gone');
    expect(reasons).toEqual(['terminal']);
  });

  it('ends right after the replay when the job had already ended', async () => {
    const log = await logWith(2);
    const sink = new MemorySink();
    const reasons: SseEndReason[] = [];
    const session = new SseSession({
      service: asService(log),
      jobId: 'j',
      sink,
      jobTerminal: true,
      onEnd: (r) => reasons.push(r),
    });
    await session.start();
    expect(sink.ids()).toEqual([1, 2]);
    expect(reasons).toEqual(['job-ended']);
  });

  it('writes a keep-alive comment at exactly each interval, and none after close', async () => {
    const log = await logWith(0);
    const sink = new MemorySink();
    const session = new SseSession({ service: asService(log), jobId: 'j', sink, keepAliveMs: 15_000 });
    await session.start();
    const keepAlives = (): number => sink.chunks.filter((c) => c === ': keep-alive\n\n').length;
    await vi.advanceTimersByTimeAsync(14_999);
    expect(keepAlives()).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(keepAlives()).toBe(1);
    await vi.advanceTimersByTimeAsync(14_999);
    expect(keepAlives()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(keepAlives()).toBe(2);
    session.close('client-gone');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(keepAlives()).toBe(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('filters heartbeat events unless asked, and closes a slow client', async () => {
    const log = new MemoryEventLog();
    await log.append({
      type: 'heartbeat',
      jobId: 'j',
      timestamp: 't',
      provider: 'p',
      providerType: 'tts',
      stage: 'narration',
      operationId: 'op',
      heartbeat: { chunks: 1 },
      progressed: true,
    });
    await log.append(progress(2));
    const sink = new MemorySink();
    const s1 = new SseSession({ service: asService(log), jobId: 'j', sink, keepAliveMs: 0 });
    await s1.start();
    expect(sink.ids()).toEqual([2]);
    s1.close('client-gone');
    const all = new MemorySink();
    const s2 = new SseSession({
      service: asService(log),
      jobId: 'j',
      sink: all,
      keepAliveMs: 0,
      includeHeartbeats: true,
    });
    await s2.start();
    expect(all.ids()).toEqual([1, 2]);
    s2.close('client-gone');

    const slow = new MemorySink();
    slow.writableLength = 2_000;
    const reasons: SseEndReason[] = [];
    const s3 = new SseSession({
      service: asService(log),
      jobId: 'j',
      sink: slow,
      keepAliveMs: 0,
      maxBufferedBytes: 1_000,
      onEnd: (r) => reasons.push(r),
    });
    await s3.start();
    expect(reasons).toEqual(['slow-client']);
    expect(slow.ids()).toEqual([2]);
  });
});

describe('formatSseFrame', () => {
  it('shows file names, never absolute server paths, in done and canceled events', () => {
    const done = formatSseFrame({
      id: 9,
      type: 'done',
      jobId: 'j',
      timestamp: 't',
      videoUrl: '/api/video/j/download',
      outputPath: '/srv/reelay/data/videos/video-j.mp4',
      durationSeconds: 3,
    });
    const canceled = formatSseFrame({
      id: 4,
      type: 'canceled',
      jobId: 'j',
      timestamp: 't',
      reason: 'user',
      partialArtifacts: ['/srv/reelay/data/jobs/j/script.json'],
    });
    expect(done).not.toContain('/srv/');
    expect(done).toContain('"outputPath":"video-j.mp4"');
    expect(canceled).not.toContain('/srv/');
    expect(canceled).toContain('"partialArtifacts":["script.json"]');
  });
});
