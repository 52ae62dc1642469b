import { type Clock, systemClock } from '../domain/clock.js';

/** Options of {@link TokenBucketLimiter}. */
export interface TokenBucketLimiterOptions {
  /** Tokens added per minute; also the bucket size (the burst). */
  ratePerMinute: number;
  /** Buckets kept; the least recently used is forgotten beyond this. @default 10000 */
  maxClients?: number;
  /** @default systemClock */
  clock?: Clock;
}

/** Outcome of {@link TokenBucketLimiter.take}. */
export type TakeResult = { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number };

interface Bucket {
  /** Token fractions: one token = 60 000 units; a client earns `ratePerMinute` units per ms. */
  units: number;
  at: number;
}

const UNITS_PER_TOKEN = 60_000;

/**
 * A per-client token bucket: each client starts with `ratePerMinute` tokens, each call takes one,
 * and tokens come back continuously at `ratePerMinute` per minute. A refused call learns how long
 * until its next token.
 *
 * @example
 * const limiter = new TokenBucketLimiter({ ratePerMinute: 30 });
 * const r = limiter.take('client-ip');
 * if (!r.allowed) reply.header('Retry-After', Math.ceil(r.retryAfterMs / 1000));
 */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly rate: number;
  private readonly capacityUnits: number;
  private readonly maxClients: number;
  private readonly clock: Clock;

  constructor(options: TokenBucketLimiterOptions) {
    // Integer arithmetic (units) so boundaries are exact: no token at 29 999 ms, one at 30 000 ms.
    this.rate = Math.max(1, Math.floor(options.ratePerMinute));
    this.capacityUnits = this.rate * UNITS_PER_TOKEN;
    this.maxClients = Math.max(1, options.maxClients ?? 10_000);
    this.clock = options.clock ?? systemClock;
  }

  /** Takes one token for `key`, or says how long until one is available. */
  take(key: string): TakeResult {
    const now = this.clock.now();
    const previous = this.buckets.get(key);
    const units = previous
      ? Math.min(this.capacityUnits, previous.units + Math.max(0, now - previous.at) * this.rate)
      : this.capacityUnits;
    // Re-insert so the Map's order is least recently used first.
    this.buckets.delete(key);
    if (units >= UNITS_PER_TOKEN) {
      const left = units - UNITS_PER_TOKEN;
      this.buckets.set(key, { units: left, at: now });
      this.evict();
      return { allowed: true, remaining: Math.floor(left / UNITS_PER_TOKEN) };
    }
    this.buckets.set(key, { units, at: now });
    this.evict();
    return { allowed: false, retryAfterMs: Math.ceil((UNITS_PER_TOKEN - units) / this.rate) };
  }

  /** Number of clients remembered (for tests and metrics). */
  size(): number {
    return this.buckets.size;
  }

  private evict(): void {
    while (this.buckets.size > this.maxClients) {
      const oldest = this.buckets.keys().next();
      if (oldest.done) return;
      this.buckets.delete(oldest.value);
    }
  }
}
