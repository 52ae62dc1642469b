import { describe, expect, it } from 'vitest';
import type { Clock } from '../domain/clock.js';
import { TokenBucketLimiter } from './token-bucket-limiter.js';

function clockAt(start = 0): Clock & { t: number } {
  const c = {
    t: start,
    now: () => c.t,
    setTimeout: () => {
      throw new Error('unused');
    },
    clearTimeout: () => {},
  };
  return c;
}

describe('TokenBucketLimiter', () => {
  it('allows the burst, then refills one token per 60000/rate ms exactly', () => {
    const clock = clockAt();
    const limiter = new TokenBucketLimiter({ ratePerMinute: 2, clock });
    expect(limiter.take('a')).toEqual({ allowed: true, remaining: 1 });
    expect(limiter.take('a')).toEqual({ allowed: true, remaining: 0 });
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterMs: 30_000 });
    clock.t = 29_999;
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterMs: 1 });
    clock.t = 30_000;
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
  });

  it('keeps clients apart and forgets the least recently seen beyond maxClients', () => {
    const clock = clockAt();
    const limiter = new TokenBucketLimiter({ ratePerMinute: 1, maxClients: 2, clock });
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('b').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    limiter.take('c');
    expect(limiter.size()).toBe(2);
    // 'b' was least recently seen and is forgotten: it starts with a full bucket again.
    expect(limiter.take('b').allowed).toBe(true);
  });
});
