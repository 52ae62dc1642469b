import type { CallRecord, CallRecordStore } from './call-record.js';

/** Options of {@link MemoryCallRecordStore}. */
export interface MemoryCallRecordStoreOptions {
  /** Records kept per provider; the oldest are dropped beyond it. @default 10000 */
  maxPerProvider?: number;
}

/** In-memory {@link CallRecordStore}, bounded per provider. For tests and library use. */
export class MemoryCallRecordStore implements CallRecordStore {
  private readonly byProvider = new Map<string, CallRecord[]>();
  private readonly maxPerProvider: number;

  constructor(options: MemoryCallRecordStoreOptions = {}) {
    this.maxPerProvider = Math.max(1, options.maxPerProvider ?? 10_000);
  }

  async append(record: CallRecord): Promise<void> {
    let list = this.byProvider.get(record.provider);
    if (!list) {
      list = [];
      this.byProvider.set(record.provider, list);
    }
    list.push({ ...record });
    if (list.length > this.maxPerProvider) list.splice(0, list.length - this.maxPerProvider);
  }

  async since(provider: string, fromMs: number): Promise<CallRecord[]> {
    return (this.byProvider.get(provider) ?? [])
      .filter((r) => r.startedAt >= fromMs)
      .sort((a, b) => a.startedAt - b.startedAt)
      .map((r) => ({ ...r }));
  }
}
