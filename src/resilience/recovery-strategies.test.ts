import { describe, expect, it } from 'vitest';
import { ERROR_CATEGORIES } from '../domain/error-category.js';
import { ReelayError } from '../domain/errors.js';
import {
  DEFAULT_RECOVERY_STRATEGIES,
  defaultCountsForBreaker,
  resolveStrategies,
} from './recovery-strategies.js';

describe('recovery strategies', () => {
  it('covers all eleven categories with the documented table', () => {
    expect(Object.keys(DEFAULT_RECOVERY_STRATEGIES).sort()).toEqual([...ERROR_CATEGORIES].sort());
    const row = (c: keyof typeof DEFAULT_RECOVERY_STRATEGIES) => {
      const s = DEFAULT_RECOVERY_STRATEGIES[c];
      return [s.maxRetries, s.backoff, s.baseMs, s.maxMs, s.then, s.countsForBreaker];
    };
    expect(row('transient')).toEqual([3, 'exponential', 1000, 30_000, 'retry_same', false]);
    expect(row('rate_limit')).toEqual([2, 'linear', 60_000, 300_000, 'switch', true]);
    expect(row('api_failure')).toEqual([2, 'exponential', 2000, 20_000, 'switch', true]);
    expect(row('quality_failure')).toEqual([2, 'fixed', 5000, 15_000, 'switch', false]);
    expect(row('timeout')).toEqual([1, 'fixed', 3000, 10_000, 'switch', true]);
    expect(row('authentication')).toEqual([0, 'fixed', 1000, 5000, 'switch', true]);
    expect(row('provider_overload')).toEqual([0, 'fixed', 0, 0, 'switch', true]);
    expect(row('system_error')).toEqual([1, 'exponential', 5000, 30_000, 'degrade', false]);
    expect(row('network_error')).toEqual([3, 'exponential', 1000, 15_000, 'switch', true]);
    expect(row('quota_exceeded')).toEqual([0, 'fixed', 0, 0, 'switch', true]);
    expect(row('processing_error')).toEqual([1, 'fixed', 2000, 2000, 'switch', false]);
  });

  it('resolveStrategies merges without mutating the defaults or the overrides', () => {
    const overrides = { rate_limit: { maxRetries: 5 } };
    const resolved = resolveStrategies(overrides);
    expect(resolved.rate_limit).toMatchObject({ maxRetries: 5, backoff: 'linear', baseMs: 60_000 });
    expect(DEFAULT_RECOVERY_STRATEGIES.rate_limit.maxRetries).toBe(2);
    expect(overrides).toEqual({ rate_limit: { maxRetries: 5 } });
    expect(resolved.timeout).toEqual(DEFAULT_RECOVERY_STRATEGIES.timeout);
    expect(Object.isFrozen(resolved.rate_limit)).toBe(true);
  });

  it('rejects invalid overrides with a config error', () => {
    expect(() => resolveStrategies({ timeout: { maxRetries: -1 } })).toThrow(ReelayError);
    expect(() => resolveStrategies({ timeout: { maxRetries: 1.5 } })).toThrow(/invalid maxRetries/);
    expect(() => resolveStrategies({ timeout: { baseMs: Number.NaN } })).toThrow(/invalid baseMs/);
  });

  it('defaultCountsForBreaker follows the table', () => {
    expect(defaultCountsForBreaker('network_error')).toBe(true);
    expect(defaultCountsForBreaker('quality_failure')).toBe(false);
  });
});
