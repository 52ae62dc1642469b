import { describe, expect, it } from 'vitest';
import type { Clock } from '../../domain/clock.js';
import { L1Cache } from './l1-cache.js';

function handClock(): Clock & { advance(ms: number): void } {
  let now = 1_000;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    setTimeout: () => {
      throw new Error('the L1 cache must not start timers');
    },
    clearTimeout: () => {},
  };
}

const entry = (version: number, value = `v${version}`) => ({ value, version, updatedAt: 0 });

describe('L1Cache', () => {
  it('expires each kind after its own time-to-live', () => {
    const clock = handClock();
    const cache = new L1Cache({ clock });
    cache.set('breaker', 'a', entry(1));
    cache.set('health', 'a', entry(1));
    cache.set('routing', 'a', entry(1));
    clock.advance(9_999);
    expect(cache.get('breaker', 'a')).toBeDefined();
    clock.advance(1);
    expect(cache.get('breaker', 'a')).toBeUndefined();
    expect(cache.get('health', 'a')).toBeDefined();
    clock.advance(20_000);
    expect(cache.get('health', 'a')).toBeUndefined();
    clock.advance(269_999);
    expect(cache.get('routing', 'a')).toBeDefined();
    clock.advance(1);
    expect(cache.get('routing', 'a')).toBeUndefined();
  });

  it('keeps at most maxEntries, evicting the least recently used', () => {
    const cache = new L1Cache({ clock: handClock(), maxEntries: 2 });
    cache.set('cost', 'a', entry(1));
    cache.set('cost', 'b', entry(1));
    cache.get('cost', 'a');
    cache.set('cost', 'c', entry(1));
    expect(cache.get('cost', 'b')).toBeUndefined();
    expect(cache.get('cost', 'a')?.value).toBe('v1');
    expect(cache.stats().size).toBe(2);
  });

  it('counts hits and misses per kind', () => {
    const cache = new L1Cache({ clock: handClock() });
    cache.set('metrics', 'm', entry(1));
    cache.get('metrics', 'm');
    cache.get('metrics', 'm');
    cache.get('metrics', 'x');
    const stats = cache.stats();
    expect(stats).toMatchObject({ hits: 2, misses: 1 });
    expect(stats.hitRate).toBeCloseTo(2 / 3);
    expect(stats.perKind.metrics).toEqual({ hits: 2, misses: 1 });
    expect(stats.perKind.health).toEqual({ hits: 0, misses: 0 });
  });

  it('ignores older versions and invalidations that are not newer than the cached entry', () => {
    const cache = new L1Cache({ clock: handClock() });
    cache.set('health', 'p', entry(3));
    cache.set('health', 'p', entry(2));
    expect(cache.get('health', 'p')?.version).toBe(3);
    expect(cache.invalidate('health', 'p', 3)).toBe(false);
    expect(cache.invalidate('health', 'p', 4)).toBe(true);
    expect(cache.get('health', 'p')).toBeUndefined();
  });
});
