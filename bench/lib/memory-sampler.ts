import { readFileSync } from 'node:fs';

/**
 * Peak memory of this process and of the child processes it tracks (FFmpeg), sampled from /proc
 * every 50 ms while a benchmark variant runs.
 */
export class MemorySampler {
  private readonly children = new Set<number>();
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Highest VmHWM (peak RSS) seen for any single tracked process, in kB. */
  ffmpegPeakKb = 0;
  /** Highest sum of RSS of this process and all live tracked processes at one instant, in kB. */
  combinedPeakKb = 0;

  /** Tracks a child process (pass as the composer's `onFfmpegSpawn`). */
  track = (pid: number): void => {
    this.children.add(pid);
    this.sample();
  };

  /** Resets the peaks and starts sampling. */
  start(): void {
    this.ffmpegPeakKb = 0;
    this.combinedPeakKb = 0;
    this.timer = setInterval(() => this.sample(), 50);
  }

  stop(): void {
    clearInterval(this.timer);
    this.children.clear();
  }

  private sample(): void {
    let total = readStatusKb(process.pid, 'VmRSS') ?? 0;
    for (const pid of this.children) {
      const rss = readStatusKb(pid, 'VmRSS');
      if (rss === undefined) {
        this.children.delete(pid);
        continue;
      }
      total += rss;
      this.ffmpegPeakKb = Math.max(this.ffmpegPeakKb, readStatusKb(pid, 'VmHWM') ?? rss);
    }
    this.combinedPeakKb = Math.max(this.combinedPeakKb, total);
  }
}

/** A `kB` field of /proc/<pid>/status (synchronous: keeps one sample consistent; /proc is cheap). */
export function readStatusKb(pid: number, field: string): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = text.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}
