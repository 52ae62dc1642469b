import type { HeartbeatFn } from '../../domain/heartbeat.js';

/**
 * Turns per-segment FFmpeg progress into one rising percentage for the whole render: segments
 * share `100 - finalShare` percent in proportion to their durations, the final join the rest.
 * Only rises are pushed (a heartbeat's percent must strictly rise to count as progress).
 */
export class RenderProgress {
  private readonly done: number[];
  private readonly totalMs: number;
  private last = -1;

  constructor(
    private readonly durationsMs: readonly number[],
    private readonly heartbeat: HeartbeatFn,
    private readonly finalShare = 5,
  ) {
    this.done = durationsMs.map(() => 0);
    this.totalMs = durationsMs.reduce((a, b) => a + b, 0);
  }

  /** Segment at `position` has `outTimeMs` of its output written. */
  segment(position: number, outTimeMs: number, message: string): void {
    const cap = this.durationsMs[position] ?? 0;
    this.done[position] = Math.max(this.done[position] ?? 0, Math.min(cap, outTimeMs));
    const written = this.done.reduce((a, b) => a + b, 0);
    this.push(this.totalMs > 0 ? (written / this.totalMs) * (100 - this.finalShare) : 0, message);
  }

  /** The final join is `fraction` (0–1) done. */
  final(fraction: number, message: string): void {
    this.push(100 - this.finalShare + Math.min(1, Math.max(0, fraction)) * this.finalShare, message);
  }

  /** The highest percent pushed so far (−1 before the first). */
  get percent(): number {
    return this.last;
  }

  private push(percent: number, message: string): void {
    const rounded = Math.floor(percent * 10) / 10;
    if (rounded <= this.last) return;
    this.last = rounded;
    this.heartbeat({ percent: rounded, message });
  }
}
