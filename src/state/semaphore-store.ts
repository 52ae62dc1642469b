/**
 * The counter behind bulkheads shared across processes: a semaphore of leases, each with an
 * expiry. A holder renews its lease while its call runs; a holder that dies stops renewing and
 * its lease expires, so a crashed process never keeps a slot for longer than the lease TTL.
 * Redis implementation: `redis/redis-semaphore-store.ts` (one Lua script per operation).
 */

/** The answer to one acquire: a lease id, or how many leases are live. */
export type SemaphoreAnswer =
  | { readonly ok: true; readonly lease: string; readonly inUse: number }
  | { readonly ok: false; readonly inUse: number };

/** A semaphore of expiring leases, one per name (a provider deployment). */
export interface SemaphoreStore {
  /**
   * Drops expired leases, then takes one when fewer than `limit` are live, expiring at
   * `now + ttlMs`. Check and take are one atomic step.
   * @param holder who holds it (process and call), part of the lease id, for operators.
   */
  acquire(name: string, holder: string, limit: number, now: number, ttlMs: number): Promise<SemaphoreAnswer>;
  /** Moves a live lease's expiry to `now + ttlMs`; false when it had already expired (or was released). */
  renew(name: string, lease: string, now: number, ttlMs: number): Promise<boolean>;
  /** Frees a lease (idempotent). */
  release(name: string, lease: string): Promise<void>;
  /** Live leases at `now`. */
  inUse(name: string, now: number): Promise<number>;
}
