import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/fixtures/image-video/manual-clock.js';
import { CircuitBreaker } from './circuit-breaker.js';

describe('CircuitBreaker: calls we stopped', () => {
  it('an aborted outcome (a lost hedge, a gone client) is not counted: 10 of them leave it closed', () => {
    const breaker = new CircuitBreaker('sim', { clock: new ManualClock() });
    for (let i = 0; i < 10; i += 1) {
      const permit = breaker.tryAcquire();
      if (!permit.ok) throw new Error('expected admission');
      permit.release({ ok: false, durationMs: 20_000, category: 'timeout', aborted: true });
    }
    expect(breaker.state.state).toBe('closed');
    for (let i = 0; i < 5; i += 1) breaker.recordOutcome({ ok: false, durationMs: 10, category: 'timeout' });
    expect(breaker.state.state).toBe('open');
  });
});
