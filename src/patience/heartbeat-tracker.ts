import type { Heartbeat } from '../domain/heartbeat.js';

/** What one heartbeat did to the tracker. */
export interface HeartbeatResult {
  /** True when a counter rose (tokens, chunks or percent). */
  progressed: boolean;
  /** Heartbeats received so far, including this one. */
  heartbeatCount: number;
}

const nonNegative = (value: number | undefined): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/**
 * Tells progress from mere liveness for one operation. Progress counts only when a counter rises
 * above its highest earlier value (tokens, chunks, percent — each strictly, from a baseline of 0).
 * A heartbeat marked `waiting` (a call queued behind Reelay's own rate limit or bulkhead) counts
 * as progress too. A heartbeat carrying only a `message`, or repeating a counter, is liveness: it is counted and
 * kept as the latest progress report, but it does NOT reset the stall timer — a provider that
 * keeps saying "still working" without producing anything is still suspected of stalling.
 *
 * The stall detector's monitored call extends it, so a running call and its counters are one
 * object.
 *
 * @example
 * const t = new HeartbeatTracker();
 * t.record({ tokens: 12 }, now).progressed; // true
 * t.record({ message: 'thinking' }, now).progressed; // false
 */
export class HeartbeatTracker {
  private maxTokens = 0;
  private maxChunks = 0;
  private maxPercent = 0;
  private count = 0;
  private last: Heartbeat | undefined;
  private lastProgress: number | undefined;

  /** Records a heartbeat received at `now` (epoch ms). */
  record(beat: Heartbeat, now: number): HeartbeatResult {
    const progressed = this.recordBeat(beat, now);
    return { progressed, heartbeatCount: this.count };
  }

  /** {@link record} without the result object: true when the heartbeat showed progress. */
  recordBeat(beat: Heartbeat, now: number): boolean {
    this.count++;
    this.last = beat;
    let progressed = false;
    const tokens = nonNegative(beat.tokens);
    if (tokens !== undefined && tokens > this.maxTokens) {
      this.maxTokens = tokens;
      progressed = true;
    }
    const chunks = nonNegative(beat.chunks);
    if (chunks !== undefined && chunks > this.maxChunks) {
      this.maxChunks = chunks;
      progressed = true;
    }
    const percent = nonNegative(beat.percent);
    if (percent !== undefined && percent > this.maxPercent) {
      this.maxPercent = percent;
      progressed = true;
    }
    // A deliberate wait for Reelay's own limits (rate limit, bulkhead queue) is not a stall.
    if (beat.waiting !== undefined) progressed = true;
    if (progressed) this.lastProgress = now;
    return progressed;
  }

  /** Heartbeats received (progress and liveness). */
  get heartbeatCount(): number {
    return this.count;
  }

  /** Epoch ms of the last heartbeat that showed progress, if any. */
  get lastProgressAt(): number | undefined {
    return this.lastProgress;
  }

  /** The latest heartbeat received, if any. */
  get latest(): Heartbeat | undefined {
    return this.last;
  }
}
