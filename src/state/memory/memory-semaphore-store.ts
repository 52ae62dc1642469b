import type { SemaphoreAnswer, SemaphoreStore } from '../semaphore-store.js';

/**
 * A {@link SemaphoreStore} in process memory, with the semantics of the Redis one (lease expiry
 * on the caller's clock). For tests and for several bulkheads in one process.
 */
export class MemorySemaphoreStore implements SemaphoreStore {
  private readonly leases = new Map<string, Map<string, number>>();
  private seq = 0;

  async acquire(
    name: string,
    holder: string,
    limit: number,
    now: number,
    ttlMs: number,
  ): Promise<SemaphoreAnswer> {
    const live = this.live(name, now);
    if (live.size >= limit) return { ok: false, inUse: live.size };
    const lease = `${holder}:${++this.seq}`;
    live.set(lease, now + ttlMs);
    return { ok: true, lease, inUse: live.size };
  }

  async renew(name: string, lease: string, now: number, ttlMs: number): Promise<boolean> {
    const live = this.live(name, now);
    if (!live.has(lease)) return false;
    live.set(lease, now + ttlMs);
    return true;
  }

  async release(name: string, lease: string): Promise<void> {
    this.leases.get(name)?.delete(lease);
  }

  async inUse(name: string, now: number): Promise<number> {
    return this.live(name, now).size;
  }

  private live(name: string, now: number): Map<string, number> {
    let leases = this.leases.get(name);
    if (!leases) {
      leases = new Map();
      this.leases.set(name, leases);
    }
    for (const [lease, expires] of leases) if (expires <= now) leases.delete(lease);
    return leases;
  }
}
