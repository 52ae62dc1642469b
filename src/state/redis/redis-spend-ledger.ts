import type { Redis } from 'ioredis';
import { LuaScript } from './lua-script.js';
import { RedisKeys } from './redis-keys.js';

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
 */
export class RedisSpendLedger {
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
}
