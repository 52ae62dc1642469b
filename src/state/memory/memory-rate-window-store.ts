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
    bucket.entries.push({ at: req.now, tokens: req.tokens });
    return { ok: true, requests: bucket.entries.length, tokens: tokens + req.tokens };
  }

  async blockUntil(bucket: string, untilMs: number, _now: number): Promise<void> {
    const b = this.bucket(bucket);
    b.blockedUntil = Math.max(b.blockedUntil, untilMs);
  }

  private bucket(id: string): Bucket {
    let b = this.buckets.get(id);
    if (!b) {
      b = { entries: [], blockedUntil: 0 };
      this.buckets.set(id, b);
    }
    return b;
  }
}
