import type { Redis } from 'ioredis';
import type { SemaphoreAnswer, SemaphoreStore } from '../semaphore-store.js';
import { RedisKeys } from './redis-keys.js';
import { SEMAPHORE_ACQUIRE_SCRIPT, SEMAPHORE_RENEW_SCRIPT } from './semaphore-script.js';

/**
 * A {@link SemaphoreStore} every instance on one Redis shares: a sorted set of leases per name,
 * scored by expiry, changed only by atomic scripts. Time comes from the callers' clocks
 * (instances keep them in step, as NTP does).
 */
export class RedisSemaphoreStore implements SemaphoreStore {
  private seq = 0;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys = new RedisKeys(),
  ) {}

  async acquire(
    name: string,
    holder: string,
    limit: number,
    now: number,
    ttlMs: number,
  ): Promise<SemaphoreAnswer> {
    const lease = `${holder}:${++this.seq}`;
    const [taken, live] = (
      (await SEMAPHORE_ACQUIRE_SCRIPT.run(
        this.redis,
        [this.keys.semaphore(name)],
        [Math.round(now), limit, Math.max(1, Math.round(ttlMs)), lease],
      )) as [number, number]
    ).map(Number) as [number, number];
    return taken === 1 ? { ok: true, lease, inUse: live } : { ok: false, inUse: live };
  }

  async renew(name: string, lease: string, now: number, ttlMs: number): Promise<boolean> {
    const reply = await SEMAPHORE_RENEW_SCRIPT.run(
      this.redis,
      [this.keys.semaphore(name)],
      [Math.round(now), Math.max(1, Math.round(ttlMs)), lease],
    );
    return Number(reply) === 1;
  }

  async release(name: string, lease: string): Promise<void> {
    await this.redis.zrem(this.keys.semaphore(name), lease);
  }

  async inUse(name: string, now: number): Promise<number> {
    return this.redis.zcount(this.keys.semaphore(name), `(${Math.round(now)}`, '+inf');
  }
}
