import {
  pruneWindow,
  type RateWindowAnswer,
  type RateWindowRequest,
  type RateWindowStore,
  type WindowEntry,
  windowWaitMs,
} from '../rate-window-store.js';

interface Bucket {
  entries: WindowEntry[];
  blockedUntil: number;
  seq: number;
}

/**
 * The in-process sliding window: exact (a log of admitted requests), synchronous under the hood,
 * so check-and-increment cannot interleave within one process.
 */
export class MemoryRateWindowStore implements RateWindowStore {
  private readonly buckets = new Map<string, Bucket>();

  async acquire(req: RateWindowRequest): Promise<RateWindowAnswer> {
    return this.acquireNow(req);
  }

  /** {@link acquire} without the promise (the rate limiter's fast path uses it). */
  acquireNow(req: RateWindowRequest): RateWindowAnswer {
    const bucket = this.bucket(req.bucket);
    pruneWindow(bucket.entries, req.now, req.limits.windowMs);
    let tokens = 0;
    for (const e of bucket.entries) tokens += e.tokens;
    const blocked = Math.max(0, bucket.blockedUntil - req.now);
    const wait = Math.max(blocked, windowWaitMs(bucket.entries, req.now, req.tokens, req.limits));
    if (wait > 0) return { ok: false, waitMs: wait, requests: bucket.entries.length, tokens };
    const id = String(++bucket.seq);
    bucket.entries.push({ at: req.now + (req.holdMs ?? 0), tokens: req.tokens, id });
    return { ok: true, requests: bucket.entries.length, tokens: tokens + req.tokens, entry: id };
  }

  async restamp(bucket: string, entry: string, at: number): Promise<void> {
    const entries = this.buckets.get(bucket)?.entries;
    const i = entries?.findIndex((e) => e.id === entry) ?? -1;
    if (!entries || i < 0) return;
    const [moved] = entries.splice(i, 1);
    // Keep the log ordered by time: the restamped entry goes where `at` belongs.
    let j = entries.length;
    while (j > 0 && (entries[j - 1] as WindowEntry).at > at) j--;
    entries.splice(j, 0, { ...(moved as WindowEntry), at });
  }

  async blockUntil(bucket: string, untilMs: number, _now: number): Promise<void> {
    const b = this.bucket(bucket);
    b.blockedUntil = Math.max(b.blockedUntil, untilMs);
  }

  private bucket(id: string): Bucket {
    let b = this.buckets.get(id);
    if (!b) {
      b = { entries: [], blockedUntil: 0, seq: 0 };
      this.buckets.set(id, b);
    }
    return b;
  }
}
