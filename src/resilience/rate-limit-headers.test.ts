import { describe, expect, it } from 'vitest';
import { readRateLimitHeaders } from './rate-limit-headers.js';

const NOW = Date.parse('2026-12-02T03:00:00Z');

describe('readRateLimitHeaders', () => {
  it("reads OpenAI's remaining, limit and Go-duration resets", () => {
    const r = readRateLimitHeaders(
      {
        'x-ratelimit-limit-requests': '60',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '6m0s',
        'x-ratelimit-remaining-tokens': '1500',
        'x-ratelimit-reset-tokens': '20ms',
      },
      200,
      NOW,
    );
    expect(r).toEqual({
      requests: { remaining: 0, resetMs: 360_000, limit: 60 },
      tokens: { remaining: 1500, resetMs: 20 },
    });
  });

  it('reads "1s" and fractional "1.5s" resets', () => {
    const r = readRateLimitHeaders(
      { 'X-RateLimit-Remaining-Requests': '3', 'X-RateLimit-Reset-Requests': '1.5s' },
      200,
      NOW,
    );
    expect(r?.requests).toEqual({ remaining: 3, resetMs: 1500 });
  });

  it("reads Anthropic's headers with RFC 3339 resets, falling back to input tokens", () => {
    const r = readRateLimitHeaders(
      {
        'anthropic-ratelimit-requests-limit': '50',
        'anthropic-ratelimit-requests-remaining': '49',
        'anthropic-ratelimit-requests-reset': '2026-12-02T03:00:03Z',
        'anthropic-ratelimit-input-tokens-remaining': '9000',
        'anthropic-ratelimit-input-tokens-reset': '2026-12-02T03:00:01Z',
      },
      200,
      NOW,
    );
    expect(r).toEqual({
      requests: { remaining: 49, resetMs: 3000, limit: 50 },
      tokens: { remaining: 9000, resetMs: 1000 },
    });
  });

  it('takes Retry-After only from a 429 or 503, not from a success', () => {
    expect(readRateLimitHeaders({ 'retry-after': '3' }, 429, NOW)).toEqual({ retryAfterMs: 3000 });
    expect(readRateLimitHeaders({ 'retry-after': '3' }, 503, NOW)).toEqual({ retryAfterMs: 3000 });
    expect(readRateLimitHeaders({ 'retry-after': '3' }, 200, NOW)).toBeUndefined();
  });

  it('is undefined for responses without limit headers or with garbage values', () => {
    expect(readRateLimitHeaders({ 'content-type': 'application/json' }, 200, NOW)).toBeUndefined();
    expect(readRateLimitHeaders({ 'x-ratelimit-remaining-requests': 'lots' }, 200, NOW)).toBeUndefined();
    expect(readRateLimitHeaders(undefined, 200, NOW)).toBeUndefined();
  });

  it('reads a fetch Headers object', () => {
    const h = new Headers({ 'x-ratelimit-remaining-tokens': '10', 'x-ratelimit-reset-tokens': '1m' });
    expect(readRateLimitHeaders(h, 200, NOW)?.tokens).toEqual({ remaining: 10, resetMs: 60_000 });
  });
});
