import type { MediaInfo } from './ffprobe.js';
import { probeMedia } from './ffprobe.js';

/** Options of {@link ProbeCache}. */
export interface ProbeCacheOptions {
  /** ffprobe processes run at once, whatever the number of callers. @default 2 */
  maxConcurrent?: number;
  /** Files whose result is remembered (least recently used are forgotten). @default 500 */
  maxEntries?: number;
  /** One probe gives up after this long. @default 15000 */
  timeoutMs?: number;
  /** The probe itself (tests replace it). @default probeMedia */
  probe?: (path: string, signal: AbortSignal) => Promise<MediaInfo>;
}

/**
 * ffprobe results per file version (path, size and modification time), with the number of ffprobe
 * child processes bounded for the whole process: concurrent callers asking about the same file
 * share one probe, later ones get the cached result, and the rest wait their turn — asynchronously,
 * so the event loop never waits on a child process.
 *
 * @example
 * const info = await sharedProbeCache.probe(file.path, file.size, file.mtimeMs);
 */
export class ProbeCache {
  private readonly maxConcurrent: number;
  private readonly maxEntries: number;
  private readonly timeoutMs: number;
  private readonly run: (path: string, signal: AbortSignal) => Promise<MediaInfo>;
  private readonly entries = new Map<string, Promise<MediaInfo>>();
  private readonly waiting: Array<() => void> = [];
  private active = 0;
  /** Probes actually run (for tests and metrics). */
  probesRun = 0;

  constructor(options: ProbeCacheOptions = {}) {
    this.maxConcurrent = Math.max(1, options.maxConcurrent ?? 2);
    this.maxEntries = Math.max(1, options.maxEntries ?? 500);
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.run = options.probe ?? ((path, signal) => probeMedia(path, signal));
  }

  /** The media info of this version of the file; a failed probe is not remembered. */
  probe(path: string, sizeBytes: number, mtimeMs: number): Promise<MediaInfo> {
    const key = `${path}\u0001${sizeBytes}\u0001${mtimeMs}`;
    const known = this.entries.get(key);
    if (known) {
      this.entries.delete(key);
      this.entries.set(key, known);
      return known;
    }
    const pending = this.limited(path);
    this.entries.set(key, pending);
    pending.catch(() => {
      if (this.entries.get(key) === pending) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return pending;
  }

  private async limited(path: string): Promise<MediaInfo> {
    if (this.active >= this.maxConcurrent) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    this.probesRun++;
    try {
      return await this.run(path, AbortSignal.timeout(this.timeoutMs));
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** The process-wide cache the API's `/metadata` route uses. */
export const sharedProbeCache = new ProbeCache();
