import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import type { BreakerStateChange } from './circuit-breaker.js';
import { CircuitBreakerRegistry, circuitStateChangedEvent } from './circuit-breaker-registry.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const failN = (registry: CircuitBreakerRegistry, id: string, n: number) => {
  for (let i = 0; i < n; i++)
    registry.get(id).recordOutcome({ ok: false, durationMs: 1, category: 'api_failure' });
};

describe('CircuitBreakerRegistry', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  it('keeps one breaker per provider, with defaults and per-provider thresholds', () => {
    const registry = new CircuitBreakerRegistry({
      clock: systemClock,
      defaults: { failureThreshold: 3 },
      perProvider: { runway: { failureThreshold: 2, recoveryTimeoutMs: 90_000 } },
    });
    expect(registry.get('openai')).toBe(registry.get('openai'));
    expect(registry.get('openai').thresholds.failureThreshold).toBe(3);
    expect(registry.get('runway').thresholds).toMatchObject({
      failureThreshold: 2,
      recoveryTimeoutMs: 90_000,
    });
    expect(registry.get('runway').thresholds.successThreshold).toBe(3);
    expect(registry.providers()).toEqual(['openai', 'runway']);
  });

  it('isOpen: false for unknown providers; true for open, isolated and saturated half-open', () => {
    const registry = new CircuitBreakerRegistry({ clock: systemClock, defaults: { halfOpenMaxCalls: 1 } });
    expect(registry.isOpen('nobody')).toBe(false);
    expect(registry.providers()).toEqual([]);
    failN(registry, 'a', 5);
    expect(registry.isOpen('a')).toBe(true);
    registry.get('b').isolate('maintenance');
    expect(registry.isOpen('b')).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(registry.isOpen('a')).toBe(false);
    expect(registry.get('a').tryAcquire().ok).toBe(true);
    expect(registry.isOpen('a')).toBe(true);
  });

  it('relays every breaker state change, including breakers created later, until disposed', () => {
    const registry = new CircuitBreakerRegistry({ clock: systemClock });
    const changes: BreakerStateChange[] = [];
    const sub = registry.onStateChange((change) => changes.push(change));
    failN(registry, 'openai', 5);
    registry.get('heygen').open('maintenance');
    expect(changes).toEqual([
      { provider: 'openai', from: 'closed', to: 'open', reason: '5 failures within 300000 ms', at: T0 },
      { provider: 'heygen', from: 'closed', to: 'open', reason: 'maintenance', at: T0 },
    ]);
    sub.dispose();
    registry.get('heygen').close();
    expect(changes).toHaveLength(2);
  });

  it('maps a change to the domain event circuit-state-changed', () => {
    const change: BreakerStateChange = {
      provider: 'openai',
      from: 'closed',
      to: 'open',
      reason: 'r',
      at: T0,
    };
    expect(circuitStateChangedEvent(change, { jobId: 'job_1', correlationId: 'c1' })).toEqual({
      type: 'circuit-state-changed',
      jobId: 'job_1',
      correlationId: 'c1',
      timestamp: '2025-01-01T00:00:00.000Z',
      provider: 'openai',
      from: 'closed',
      to: 'open',
      reason: 'r',
    });
    expect(circuitStateChangedEvent(change, { jobId: 'job_1' })).not.toHaveProperty('correlationId');
  });

  it('snapshot → JSON → restore round-trip into a new registry', () => {
    const registry = new CircuitBreakerRegistry({ clock: systemClock });
    failN(registry, 'openai', 5);
    failN(registry, 'ollama', 2);
    registry.get('heygen').isolate('key revoked');
    const snapshot = JSON.parse(JSON.stringify(registry.snapshot()));
    expect(snapshot).toEqual({
      openai: { state: 'open', openedAt: T0, reason: '5 failures within 300000 ms', manual: false },
      ollama: { state: 'closed', failures: [T0, T0] },
      heygen: { state: 'isolated', since: T0, reason: 'key revoked' },
    });
    const restored = new CircuitBreakerRegistry({ clock: systemClock });
    restored.restore(snapshot);
    expect(restored.snapshot()).toEqual(snapshot);
    expect(restored.isOpen('openai')).toBe(true);
    failN(restored, 'ollama', 3);
    expect(restored.isOpen('ollama')).toBe(true);
  });

  it('restore validates every entry before applying any', () => {
    const registry = new CircuitBreakerRegistry({ clock: systemClock });
    const bad = { good: { state: 'isolated', since: T0, reason: 'x' }, broken: { state: 'closed' } };
    expect(() => registry.restore(bad)).toThrow(ReelayError);
    expect(() => registry.restore(bad)).toThrow(/broken is invalid at failures/);
    expect(registry.providers()).toEqual([]);
  });
});
