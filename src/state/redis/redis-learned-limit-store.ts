import type { Redis } from 'ioredis';
import type { LearnedCount, LearnedLimitStore, LearnedTake } from '../learned-limit-store.js';
import { LEARNED_REFUND_SCRIPT, LEARNED_TAKE_SCRIPT } from './learned-limit-script.js';
import { RedisKeys } from './redis-keys.js';

/**
 * Learned rate-limit counts every instance on one Redis shares: one hash per bucket and limit,
 * expiring at the provider's reset; lowered only by an atomic script. Time comes from the
 * callers' clocks.
 */
export class RedisLearnedLimitStore implements LearnedLimitStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys = new RedisKeys(),
  ) {}

  async learn(bucket: string, limit: 'requests' | 'tokens', count: LearnedCount, now: number): Promise<void> {
    const key = this.keyPair(bucket)[limit === 'requests' ? 0 : 1];
    const ttl = Math.max(1, Math.round(count.resetAt - now));
    await this.redis
      .multi()
      .hset(key, 'remaining', Math.floor(count.remaining), 'resetAt', Math.round(count.resetAt))
      .pexpire(key, ttl)
      .exec();
  }

  async take(bucket: string, tokens: number, now: number): Promise<LearnedTake> {
    const reply = (
      (await LEARNED_TAKE_SCRIPT.run(this.redis, this.keyPair(bucket), [
        Math.round(now),
        Math.max(0, Math.round(tokens)),
      ])) as unknown[]
    ).map(Number) as [number, number, number, number, number, number];
    const [taken, waitMs, rr, ra, tr, ta] = reply;
    return {
      ok: taken === 1,
      waitMs,
      ...(ra >= 0 ? { requests: { remaining: rr, resetAt: ra } } : {}),
      ...(ta >= 0 ? { tokens: { remaining: tr, resetAt: ta } } : {}),
    };
  }

  async refund(bucket: string, tokens: number): Promise<void> {
    await LEARNED_REFUND_SCRIPT.run(this.redis, this.keyPair(bucket), [Math.max(0, Math.round(tokens))]);
  }

  private keyPair(bucket: string): [string, string] {
    const k = this.keys.rateWindow(bucket);
    return [`${k.log}:learned-requests`, `${k.log}:learned-tokens`];
  }
}
