import type { Redis } from 'ioredis';
import type { RateWindowAnswer, RateWindowRequest, RateWindowStore } from '../rate-window-store.js';
import { RATE_WINDOW_SCRIPT } from './rate-window-script.js';
import { RedisKeys } from './redis-keys.js';

/**
 * The sliding-window counter shared by every instance on one Redis: each `acquire` is one run of
 * {@link RATE_WINDOW_SCRIPT}. Time comes from the callers' clocks (instances must keep their
 * clocks in step, as NTP does; a skew of s ms shifts one instance's window by s ms).
 */
export class RedisRateWindowStore implements RateWindowStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys = new RedisKeys(),
  ) {}

  async acquire(req: RateWindowRequest): Promise<RateWindowAnswer> {
    const k = this.keys.rateWindow(req.bucket);
    const reply = (await RATE_WINDOW_SCRIPT.run(
      this.redis,
      [k.log, k.block, k.seq],
      [
        Math.round(req.now),
        Math.round(req.limits.windowMs),
        req.limits.requests ?? -1,
        req.limits.tokens ?? -1,
        Math.max(0, Math.round(req.tokens)),
        Math.max(0, Math.round(req.holdMs ?? 0)),
      ],
    )) as [number, number, number, number, string];
    const [admitted, waitMs, requests, tokens] = reply.slice(0, 4).map(Number) as [
      number,
      number,
      number,
      number,
    ];
    return admitted === 1
      ? { ok: true, requests, tokens, entry: String(reply[4]) }
      : { ok: false, waitMs, requests, tokens };
  }

  async restamp(bucket: string, entry: string, at: number): Promise<void> {
    // XX: only an entry still in the window moves; a pruned one is not brought back.
    const k = this.keys.rateWindow(bucket);
    await this.redis.zadd(k.log, 'XX', Math.round(at), entry);
  }

  async blockUntil(bucket: string, untilMs: number, now: number): Promise<void> {
    const k = this.keys.rateWindow(bucket);
    const ttl = Math.max(1, Math.round(untilMs - now) + 1000);
    // Only ever extends a block: a shorter Retry-After never shortens a longer one.
    const current = Number((await this.redis.get(k.block)) ?? '0');
    if (current < untilMs) await this.redis.set(k.block, String(Math.round(untilMs)), 'PX', ttl);
  }
}
