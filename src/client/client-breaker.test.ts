import { describe, expect, it } from 'vitest';
import type { Clock } from '../domain/clock.js';
import { ClientBreaker } from './client-breaker.js';

function clock(): Clock & { t: number } {
  const c = { t: 0, now: () => c.t, setTimeout: () => 0 as never, clearTimeout: () => {} };
  return c;
}

describe('ClientBreaker', () => {
  it('opens after 5 consecutive failures, half-opens at exactly 60 s, closes after 2 successes', () => {
    const c = clock();
    const breaker = new ClientBreaker({ clock: c });
    for (let i = 0; i < 4; i++) breaker.onFailure();
    breaker.onSuccess(); // resets the run
    for (let i = 0; i < 4; i++) breaker.onFailure();
    expect(breaker.state).toBe('closed');
    breaker.onFailure();
    expect(breaker.state).toBe('open');
    c.t = 59_999;
    expect(breaker.state).toBe('open');
    expect(breaker.retryInMs()).toBe(1);
    c.t = 60_000;
    expect(breaker.state).toBe('half-open');
    breaker.onSuccess();
    expect(breaker.state).toBe('half-open');
    breaker.onSuccess();
    expect(breaker.state).toBe('closed');
  });

  it('re-opens on a failure while half-open', () => {
    const c = clock();
    const breaker = new ClientBreaker({ clock: c, failureThreshold: 1, openMs: 10 });
    breaker.onFailure();
    c.t = 10;
    expect(breaker.state).toBe('half-open');
    breaker.onFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.retryInMs()).toBe(10);
  });
});
