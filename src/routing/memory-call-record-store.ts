import type { CallRecord, CallRecordStore } from './call-record.js';

/** Options of {@link MemoryCallRecordStore}. */
export interface MemoryCallRecordStoreOptions {
  /** Records kept per provider; the oldest are dropped beyond it. @default 10000 */
  maxPerProvider?: number;
}

/**
 * One provider's records in a ring: `items` fills up in arrival order; once it holds
 * `maxPerProvider`, each new record overwrites the oldest, at `next`.
 */
interface RecordRing {
  items: CallRecord[];
  /** Index of the oldest record once the ring is full (where the next record goes). */
  next: number;
}

/**
 * In-memory {@link CallRecordStore}, bounded per provider. For tests and library use. Appending
 * is O(1) also when full (a ring: the router records every call here through the performance
 * tracker's default store, and dropping the oldest of 10 000 records by shifting the array cost
 * ≈ 35 µs per call).
 */
export class MemoryCallRecordStore implements CallRecordStore {
  private readonly byProvider = new Map<string, RecordRing>();
  private readonly maxPerProvider: number;

  constructor(options: MemoryCallRecordStoreOptions = {}) {
    this.maxPerProvider = Math.max(1, options.maxPerProvider ?? 10_000);
  }

  async append(record: CallRecord): Promise<void> {
    let ring = this.byProvider.get(record.provider);
    if (!ring) {
      ring = { items: [], next: 0 };
      this.byProvider.set(record.provider, ring);
    }
    const copy = { ...record };
    if (ring.items.length < this.maxPerProvider) {
      ring.items.push(copy);
      return;
    }
    ring.items[ring.next] = copy;
    ring.next = (ring.next + 1) % this.maxPerProvider;
  }

  async since(provider: string, fromMs: number): Promise<CallRecord[]> {
    const ring = this.byProvider.get(provider);
    if (!ring) return [];
    const { items, next } = ring;
    // Arrival order, oldest first; the sort below is stable, so equal start times keep it.
    const ordered = next === 0 ? items : [...items.slice(next), ...items.slice(0, next)];
    return ordered
      .filter((r) => r.startedAt >= fromMs)
      .sort((a, b) => a.startedAt - b.startedAt)
      .map((r) => ({ ...r }));
  }
}
