import { basename } from 'node:path';
import { type Clock, systemClock, type TimerHandle } from '../../domain/clock.js';
import type { Disposable } from '../../domain/disposable.js';
import { type StoredEvent, TERMINAL_EVENT_TYPES } from '../../domain/events.js';
import type { ReelayService } from '../../jobs/reelay-service.js';

/** Where a session writes: a Node `ServerResponse` fits. */
export interface SseSink {
  /** Writes a chunk; the return value is ignored (backpressure is checked via `writableLength`). */
  write(chunk: string): unknown;
  end(): void;
  /** Bytes queued but not yet sent. */
  readonly writableLength: number;
}

/** Why a session ended. */
export type SseEndReason =
  | 'terminal'
  | 'job-ended'
  | 'client-gone'
  | 'slow-client'
  | 'server-closing'
  | 'error';

/** Options of {@link SseSession}. */
export interface SseSessionOptions {
  service: Pick<ReelayService, 'readEvents' | 'subscribe'>;
  jobId: string;
  /** Replay starts after this id (the client's `Last-Event-ID`, 0 for all). @default 0 */
  afterId?: number;
  /** The job was already terminal when the stream was opened: end right after the replay. @default false */
  jobTerminal?: boolean;
  sink: SseSink;
  /** @default systemClock */
  clock?: Clock;
  /** Interval of the `: keep-alive` comment. @default 15000 */
  keepAliveMs?: number;
  /** The `retry:` the client should wait before reconnecting. @default 2000 */
  retryMs?: number;
  /** Forward `heartbeat` events. @default false */
  includeHeartbeats?: boolean;
  /** Unsent bytes tolerated before the stream is closed for a slow client. @default 1048576 */
  maxBufferedBytes?: number;
  /** Events read per replay page. @default 500 */
  replayPageSize?: number;
  /** Called once when the session ends. */
  onEnd?: (reason: SseEndReason) => void;
}

/**
 * The event as clients see it: server paths (`done.outputPath`, `canceled.partialArtifacts`) are cut
 * to their file names, as the status view leaves paths out.
 */
export function publicEvent(event: StoredEvent): StoredEvent {
  if (event.type === 'done') return { ...event, outputPath: basename(event.outputPath) };
  if (event.type === 'canceled')
    return { ...event, partialArtifacts: event.partialArtifacts.map((p) => basename(p)) };
  return event;
}

/** One SSE frame of a stored event. `JSON.stringify` never emits a raw newline, so one `data:` line suffices. */
export function formatSseFrame(event: StoredEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(publicEvent(event))}\n\n`;
}

/**
 * One client's event stream of one job: replay from `afterId`, then live events, with no gap and
 * no duplicate between the two. It subscribes *before* replaying and buffers live events while
 * the replay runs, then flushes the buffer skipping every id it already sent. Ends after a
 * terminal event (`done`, `error`, `canceled`), right after the replay when the job had already
 * ended, on {@link close}, or when a slow client lets more than `maxBufferedBytes` pile up (the
 * client resumes with `Last-Event-ID`).
 *
 * @example
 * const session = new SseSession({ service, jobId, afterId: 12, sink: reply.raw });
 * reply.raw.on('close', () => session.close('client-gone'));
 * await session.start();
 */
export class SseSession {
  private readonly o: Required<Omit<SseSessionOptions, 'onEnd'>> & Pick<SseSessionOptions, 'onEnd'>;
  private subscription: Disposable | null = null;
  private timer: TimerHandle | null = null;
  private buffer: StoredEvent[] | null = [];
  private lastSent: number;
  private closed = false;

  constructor(options: SseSessionOptions) {
    this.o = {
      afterId: 0,
      jobTerminal: false,
      clock: systemClock,
      keepAliveMs: 15_000,
      retryMs: 2_000,
      includeHeartbeats: false,
      maxBufferedBytes: 1024 * 1024,
      replayPageSize: 500,
      ...options,
    };
    this.lastSent = Math.max(0, this.o.afterId);
  }

  /** Id of the last event written (or skipped as already seen). */
  get lastEventId(): number {
    return this.lastSent;
  }

  /** True once the session has ended. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Subscribes, writes `retry:`, replays, then streams live events until the session ends. */
  async start(): Promise<void> {
    this.subscription = this.o.service.subscribe(this.o.jobId, (event) => {
      if (this.buffer) this.buffer.push(event);
      else this.deliver(event);
    });
    this.o.sink.write(`retry: ${this.o.retryMs}\n\n`);
    this.scheduleKeepAlive();
    try {
      let after = this.lastSent;
      while (!this.closed) {
        const page = await this.o.service.readEvents(this.o.jobId, after, this.o.replayPageSize);
        for (const event of page) this.deliver(event);
        const last = page[page.length - 1];
        if (!last || page.length < this.o.replayPageSize) break;
        after = last.id;
      }
    } catch (error) {
      this.close('error');
      throw error;
    }
    const buffered = this.buffer ?? [];
    this.buffer = null;
    for (const event of buffered) this.deliver(event);
    if (this.o.jobTerminal) this.close('job-ended');
  }

  /** Ends the session: unsubscribes, stops the keep-alive, ends the sink. Idempotent. */
  close(reason: SseEndReason): void {
    if (this.closed) return;
    this.closed = true;
    this.subscription?.dispose();
    this.subscription = null;
    if (this.timer !== null) this.o.clock.clearTimeout(this.timer);
    this.timer = null;
    this.buffer = null;
    try {
      this.o.sink.end();
    } finally {
      this.o.onEnd?.(reason);
    }
  }

  private deliver(event: StoredEvent): void {
    if (this.closed || event.id <= this.lastSent) return;
    this.lastSent = event.id;
    if (event.type === 'heartbeat' && !this.o.includeHeartbeats) return;
    this.o.sink.write(formatSseFrame(event));
    if (TERMINAL_EVENT_TYPES.has(event.type)) this.close('terminal');
    else if (this.o.sink.writableLength > this.o.maxBufferedBytes) this.close('slow-client');
  }

  private scheduleKeepAlive(): void {
    if (this.closed || this.o.keepAliveMs <= 0) return;
    this.timer = this.o.clock.setTimeout(() => {
      if (this.closed) return;
      this.o.sink.write(': keep-alive\n\n');
      this.scheduleKeepAlive();
    }, this.o.keepAliveMs);
  }
}
