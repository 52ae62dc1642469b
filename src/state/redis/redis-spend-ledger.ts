import type { Redis } from 'ioredis';
import {
  type SpendCounter,
  type SpendHoldRequest,
  type SpendHoldResult,
  type SpendLedger,
  spendCounterName,
} from '../router-state.js';
import { LuaScript } from './lua-script.js';
import { RedisKeys } from './redis-keys.js';
import { SPEND_HOLD_SCRIPT } from './spend-hold-script.js';

/**
 * Reserves an estimate against a budget only when it fits: one atomic check-and-add, so that any
 * number of instances and concurrent calls never together pass the limit by more than one call's
 * estimate (and not at all when actual costs equal the estimates).
 */
export const RESERVE_SPEND_SCRIPT = new LuaScript(`
-- KEYS[1]  hash of one budget: spent (integer micro-units), reservations (count)
-- ARGV[1]  estimate, integer micro-units
-- ARGV[2]  limit, integer micro-units
-- ARGV[3]  expiry of the budget's hash in ms (its window); '0' keeps it
-- returns  { 1, spentAfter } when reserved, { 0, spent } when the estimate does not fit
local spent = tonumber(redis.call('HGET', KEYS[1], 'spent') or '0')
local estimate = tonumber(ARGV[1])
if spent + estimate > tonumber(ARGV[2]) then
  return { 0, spent }
end
spent = redis.call('HINCRBY', KEYS[1], 'spent', estimate)
redis.call('HINCRBY', KEYS[1], 'reservations', 1)
local ttl = tonumber(ARGV[3])
if ttl > 0 and redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return { 1, spent }
`);

/** Micro-units per currency unit: spend is counted in integers so that sums never drift. */
const MICROS = 1_000_000;
const toMicros = (amount: number): number => Math.round(amount * MICROS);

/** The outcome of {@link RedisSpendLedger.reserve}. */
export interface SpendReservation {
  /** Whether the estimate fit under the limit and is now counted. */
  admitted: boolean;
  /** Spend counted against the budget after this reservation (or as found, when refused). */
  spent: number;
}

/**
 * Spend against budgets shared by every instance through Redis. A priced call reserves its
 * estimate first ({@link RedisSpendLedger.reserve}), then settles the difference to its actual
 * cost, or releases the reservation when it did not run.
 *
 * As a {@link SpendLedger} (what the router's budget policy uses), it holds a call's estimate
 * against the spend counters of `RedisSpendStore` — per job, per provider and UTC day — in one
 * atomic script over all of the call's budgets ({@link RedisSpendLedger.hold}); the call's actual
 * spend is then recorded in those counters as any other charge, and the hold dropped.
 */
export class RedisSpendLedger implements SpendLedger {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys = new RedisKeys(),
  ) {}

  /**
   * Counts `estimate` against `budget` when `spent + estimate ≤ limit`.
   * @param windowMs expiry of the budget's counter (e.g. a day for a daily budget); 0 keeps it.
   */
  async reserve(budget: string, estimate: number, limit: number, windowMs = 0): Promise<SpendReservation> {
    const [admitted, spent] = (await RESERVE_SPEND_SCRIPT.run(
      this.redis,
      [this.keys.spend(budget)],
      [toMicros(estimate), toMicros(limit), windowMs],
    )) as [number, number];
    return { admitted: admitted === 1, spent: spent / MICROS };
  }

  /** Replaces a reservation's estimate by the call's actual cost. */
  async settle(budget: string, estimate: number, actual: number): Promise<number> {
    const delta = toMicros(actual) - toMicros(estimate);
    if (delta === 0) return this.spent(budget);
    return (await this.redis.hincrby(this.keys.spend(budget), 'spent', delta)) / MICROS;
  }

  /** Gives back a reservation whose call never ran. */
  async release(budget: string, estimate: number): Promise<number> {
    return (await this.redis.hincrby(this.keys.spend(budget), 'spent', -toMicros(estimate))) / MICROS;
  }

  /** Spend counted against `budget` so far. */
  async spent(budget: string): Promise<number> {
    return Number((await this.redis.hget(this.keys.spend(budget), 'spent')) ?? 0) / MICROS;
  }

  /** Holds `request.usd` on every counter of `request.limits` when it fits under all of them. */
  async hold(request: SpendHoldRequest): Promise<SpendHoldResult> {
    const keys: string[] = [];
    const limits: (string | number)[] = [];
    for (const { counter, limitUsd } of request.limits) {
      keys.push(this.counterKey(counter), this.keys.spendHolds(spendCounterName(counter)));
      limits.push(counter.kind === 'job' ? '' : counter.period, toMicros(limitUsd));
    }
    const reply = (await SPEND_HOLD_SCRIPT.run(this.redis, keys, [
      request.holdId,
      toMicros(request.usd),
      Math.floor(request.now),
      Math.max(1, Math.ceil(request.ttlMs)),
      ...limits,
    ])) as number[];
    if (reply[0] === 1) return { admitted: true };
    return { admitted: false, index: reply[1] ?? 0, spentUsd: (reply[2] ?? 0) / MICROS };
  }

  /** Drops the hold `holdId` from every counter it was taken on. */
  async releaseHold(holdId: string, counters: readonly SpendCounter[]): Promise<void> {
    if (counters.length === 0) return;
    const tx = this.redis.multi();
    for (const counter of counters) tx.hdel(this.keys.spendHolds(spendCounterName(counter)), holdId);
    await tx.exec();
  }

  private counterKey(counter: SpendCounter): string {
    return counter.kind === 'job'
      ? this.keys.spendOfJob(counter.jobId)
      : this.keys.spendOfProvider(counter.provider);
  }
}
