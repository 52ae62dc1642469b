import { describe, expect, it } from 'vitest';
import { parseDurationMs, parseRetryAfter, readHeader } from './retry-after.js';

const NOW = Date.parse('2025-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  it('reads Retry-After seconds, case-insensitively, from objects and Headers', () => {
    expect(parseRetryAfter({ 'Retry-After': '2' }, NOW)).toBe(2000);
    expect(parseRetryAfter(new Headers({ 'retry-after': '1.5' }), NOW)).toBe(1500);
    expect(parseRetryAfter({ 'retry-after': ['7', '9'] }, NOW)).toBe(7000);
  });

  it('reads Retry-After as an HTTP date relative to now; past dates give 0', () => {
    expect(parseRetryAfter({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }, NOW)).toBe(30_000);
    expect(parseRetryAfter({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }, NOW)).toBe(0);
  });

  it('prefers retry-after-ms over Retry-After', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '250', 'retry-after': '9' }, NOW)).toBe(250);
  });

  it('reads x-ratelimit-reset durations, taking the longer one', () => {
    expect(parseRetryAfter({ 'x-ratelimit-reset-requests': '6m0s' }, NOW)).toBe(300_000);
    expect(
      parseRetryAfter({ 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-reset-tokens': '200ms' }, NOW),
    ).toBe(1000);
    expect(parseRetryAfter({ 'x-ratelimit-reset-tokens': '1m30s' }, NOW)).toBe(90_000);
  });

  it('caps at the default 300 000 ms and at a configured max', () => {
    expect(parseRetryAfter({ 'retry-after': '299.999' }, NOW)).toBe(299_999);
    expect(parseRetryAfter({ 'retry-after': '301' }, NOW)).toBe(300_000);
    expect(parseRetryAfter({ 'retry-after': '10' }, NOW, 5000)).toBe(5000);
    expect(parseRetryAfter({ 'retry-after': '4.999' }, NOW, 5000)).toBe(4999);
  });

  it('returns undefined when nothing usable is present', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter({}, NOW)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': 'soon' }, NOW)).toBeUndefined();
    expect(parseRetryAfter({ 'x-ratelimit-reset-requests': 'abc' }, NOW)).toBeUndefined();
  });
});

describe('parseDurationMs', () => {
  it('parses Go-style durations and rejects junk', () => {
    expect(parseDurationMs('6m0s')).toBe(360_000);
    expect(parseDurationMs('200ms')).toBe(200);
    expect(parseDurationMs('1h2m3.5s')).toBe(3_723_500);
    expect(parseDurationMs('5x')).toBeUndefined();
    expect(parseDurationMs('1s junk')).toBeUndefined();
    expect(parseDurationMs('')).toBeUndefined();
  });

  it('readHeader ignores undefined values', () => {
    expect(readHeader({ 'Retry-After': undefined, 'retry-after': '3' }, 'retry-after')).toBe('3');
  });
});
