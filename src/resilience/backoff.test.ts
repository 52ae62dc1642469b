import { describe, expect, it } from 'vitest';
import { type BackoffKind, computeBackoff } from './backoff.js';

const delays = (kind: BackoffKind, jitter = 0, random = () => 0.5, maxMs = 1_000_000): number[] =>
  [1, 2, 3, 4].map((attempt) => computeBackoff({ kind, baseMs: 1000, maxMs, attempt, jitter, random }));

describe('computeBackoff', () => {
  it.each([
    ['exponential', [1000, 2000, 4000, 8000]],
    ['linear', [1000, 2000, 3000, 4000]],
    ['fibonacci', [1000, 1000, 2000, 3000]],
    ['fixed', [1000, 1000, 1000, 1000]],
  ] as const)('%s without jitter at attempts 1..4', (kind, expected) => {
    expect(delays(kind)).toEqual(expected);
  });

  it.each([
    ['exponential', [1050, 2100, 4200, 8400]],
    ['linear', [1050, 2100, 3150, 4200]],
    ['fibonacci', [1050, 1050, 2100, 3150]],
    ['fixed', [1050, 1050, 1050, 1050]],
  ] as const)('%s with the default jitter (10 percent) and random 0.5', (kind, expected) => {
    expect(delays(kind, 0.1)).toEqual(expected);
  });

  it('jitter adds at most 10 % and never subtracts', () => {
    expect(computeBackoff({ kind: 'fixed', baseMs: 1000, maxMs: 5000, attempt: 1, random: () => 0 })).toBe(
      1000,
    );
    expect(
      computeBackoff({ kind: 'fixed', baseMs: 1000, maxMs: 5000, attempt: 1, random: () => 0.9999 }),
    ).toBe(1100);
  });

  it('caps at max after jitter', () => {
    expect(delays('exponential', 0.1, () => 0.5, 4000)).toEqual([1050, 2100, 4000, 4000]);
    expect(
      computeBackoff({ kind: 'exponential', baseMs: 1000, maxMs: 30_000, attempt: 2000, jitter: 0 }),
    ).toBe(30_000);
  });

  it('treats attempts below 1 as the first', () => {
    expect(computeBackoff({ kind: 'exponential', baseMs: 1000, maxMs: 9999, attempt: 0, jitter: 0 })).toBe(
      1000,
    );
  });
});
