import type { AttemptTrail, UpstreamAttemptRecord } from '../attempt-trail.js';

/**
 * In-memory {@link AttemptTrail}, bounded: at most `maxKeys` audit keys (the oldest key is
 * dropped first) and `maxPerKey` attempts per key (the oldest attempts are dropped first).
 */
export class MemoryAttemptTrail implements AttemptTrail {
  private readonly byKey = new Map<string, UpstreamAttemptRecord[]>();

  constructor(
    private readonly maxKeys = 50_000,
    private readonly maxPerKey = 500,
  ) {}

  async append(records: readonly UpstreamAttemptRecord[]): Promise<void> {
    for (const r of records) {
      let list = this.byKey.get(r.key);
      if (!list) {
        if (this.byKey.size >= this.maxKeys) {
          const oldest = this.byKey.keys().next().value;
          if (oldest !== undefined) this.byKey.delete(oldest);
        }
        list = [];
        this.byKey.set(r.key, list);
      }
      list.push(r);
      if (list.length > this.maxPerKey) list.shift();
    }
  }

  async prune(startedBefore: number): Promise<number> {
    let removed = 0;
    for (const [key, list] of this.byKey) {
      const kept = list.filter((r) => !(Date.parse(r.startedAt) < startedBefore));
      removed += list.length - kept.length;
      if (kept.length === 0) this.byKey.delete(key);
      else if (kept.length !== list.length) this.byKey.set(key, kept);
    }
    return removed;
  }

  async history(key: string): Promise<UpstreamAttemptRecord[]> {
    return [...(this.byKey.get(key) ?? [])];
  }
}
