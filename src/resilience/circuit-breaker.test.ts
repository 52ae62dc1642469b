import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import { type BreakerEvent, CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';
import { CircuitOpenError } from './circuit-open-error.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');

function setup(options: CircuitBreakerOptions = {}) {
  const breaker = new CircuitBreaker('openai', { clock: systemClock, ...options });
  const events: BreakerEvent[] = [];
  breaker.on('state-changed', (event) => events.push(event));
  const failures = (n: number) => {
    for (let i = 0; i < n; i++) breaker.recordOutcome({ ok: false, durationMs: 10, category: 'api_failure' });
  };
  const probe = () => {
    const permit = breaker.tryAcquire();
    if (!permit.ok) throw new Error('expected admission');
    expect(permit.probe).toBe(true);
    return permit;
  };
  return { breaker, events, failures, probe };
}

describe('CircuitBreaker', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  it('stays closed at 4 counting failures and opens at 5', () => {
    const { breaker, events, failures } = setup();
    failures(4);
    expect(breaker.state.state).toBe('closed');
    expect(breaker.tryAcquire().ok).toBe(true);
    failures(1);
    expect(breaker.state).toMatchObject({ state: 'open', openedAt: T0, manual: false });
    expect(events).toEqual([
      {
        type: 'state-changed',
        provider: 'openai',
        from: 'closed',
        to: 'open',
        reason: '5 failures within 300000 ms',
        at: T0,
      },
    ]);
  });

  it('drops failures older than the monitoring window (299 999 ms counts, 300 000 ms does not)', () => {
    const first = setup();
    first.failures(1);
    vi.advanceTimersByTime(299_999);
    first.failures(4);
    expect(first.breaker.state.state).toBe('open');

    vi.setSystemTime(T0);
    const second = setup();
    second.failures(1);
    vi.advanceTimersByTime(300_000);
    second.failures(4);
    expect(second.breaker.state.state).toBe('closed');
  });

  it('counts a success as a failure when slow: 59 999 ms is fine, 60 000 ms counts', () => {
    const { breaker } = setup({ failureThreshold: 1 });
    breaker.recordOutcome({ ok: true, durationMs: 59_999 });
    expect(breaker.state.state).toBe('closed');
    breaker.recordOutcome({ ok: true, durationMs: 60_000 });
    expect(breaker.state.state).toBe('open');
  });

  it('does not count categories whose strategy does not count for the breaker', () => {
    const { breaker } = setup({ failureThreshold: 1 });
    breaker.recordOutcome({ ok: false, durationMs: 5, category: 'quality_failure' });
    breaker.recordOutcome({ ok: false, durationMs: 5, category: 'processing_error' });
    expect(breaker.state.state).toBe('closed');
    breaker.recordOutcome({ ok: false, durationMs: 5, category: 'network_error' });
    expect(breaker.state.state).toBe('open');
  });

  it('takes a custom countsForBreaker', () => {
    const { breaker } = setup({ failureThreshold: 1, countsForBreaker: (c) => c === 'quality_failure' });
    breaker.recordOutcome({ ok: false, durationMs: 5, category: 'network_error' });
    expect(breaker.state.state).toBe('closed');
    breaker.recordOutcome({ ok: false, durationMs: 5, category: 'quality_failure' });
    expect(breaker.state.state).toBe('open');
  });

  it('refuses calls while open and half-opens lazily at exactly the recovery timeout', () => {
    const { breaker, events, failures } = setup();
    failures(5);
    vi.advanceTimersByTime(59_999);
    expect(breaker.isOpen()).toBe(true);
    expect(breaker.tryAcquire()).toEqual({ ok: false, retryInMs: 1, state: 'open' });
    vi.advanceTimersByTime(1);
    expect(breaker.isOpen()).toBe(false);
    expect(breaker.state.state).toBe('open');
    const permit = breaker.tryAcquire();
    expect(permit).toMatchObject({ ok: true, probe: true });
    expect(breaker.state).toMatchObject({ state: 'half_open', inFlight: 1 });
    expect(events.map((e) => `${e.from}>${e.to}`)).toEqual(['closed>open', 'open>half_open']);
  });

  it('allows at most halfOpenMaxCalls concurrent probes; a finished probe frees a slot', () => {
    const { breaker, failures, probe } = setup();
    failures(5);
    vi.advanceTimersByTime(60_000);
    const p1 = probe();
    probe();
    probe();
    expect(breaker.tryAcquire()).toEqual({ ok: false, retryInMs: undefined, state: 'half_open' });
    expect(breaker.isOpen()).toBe(true);
    p1.release({ ok: true, durationMs: 10 });
    expect(breaker.isOpen()).toBe(false);
    expect(breaker.tryAcquire().ok).toBe(true);
  });

  it('closes after successThreshold probe successes (2 is not enough, 3 is)', () => {
    const { breaker, events, failures, probe } = setup();
    failures(5);
    vi.advanceTimersByTime(60_000);
    const permits = [probe(), probe(), probe()];
    permits[0]?.release({ ok: true, durationMs: 10 });
    permits[0]?.release({ ok: true, durationMs: 10 });
    permits[1]?.release({ ok: true, durationMs: 10 });
    expect(breaker.state).toMatchObject({ state: 'half_open', successes: 2, inFlight: 1 });
    permits[2]?.release({ ok: true, durationMs: 10 });
    expect(breaker.state).toEqual({ state: 'closed', failures: [] });
    expect(events.at(-1)).toMatchObject({ from: 'half_open', to: 'closed', reason: '3 probes succeeded' });
  });

  it('reopens on any probe failure, with a new openedAt; late probes of that round are ignored', () => {
    const { breaker, events, failures, probe } = setup();
    failures(5);
    vi.advanceTimersByTime(60_000);
    const p1 = probe();
    const p2 = probe();
    vi.advanceTimersByTime(500);
    p1.release({ ok: false, durationMs: 500, category: 'timeout' });
    expect(breaker.state).toMatchObject({ state: 'open', openedAt: T0 + 60_500, reason: 'probe failed' });
    p2.release({ ok: true, durationMs: 500 });
    expect(breaker.state.state).toBe('open');
    expect(events.map((e) => e.to)).toEqual(['open', 'half_open', 'open']);
    vi.advanceTimersByTime(59_999);
    expect(breaker.tryAcquire().ok).toBe(false);
  });

  it('a non-counting probe failure frees its slot without counting either way', () => {
    const { breaker, failures, probe } = setup({ halfOpenMaxCalls: 1 });
    failures(5);
    vi.advanceTimersByTime(60_000);
    probe().release({ ok: false, durationMs: 5, category: 'quality_failure' });
    expect(breaker.state).toMatchObject({ state: 'half_open', inFlight: 0, successes: 0 });
  });

  it('manual open stays open past the recovery timeout until close()', () => {
    const { breaker, events } = setup();
    breaker.open('scheduled maintenance');
    vi.advanceTimersByTime(10 * 60_000);
    expect(breaker.isOpen()).toBe(true);
    expect(breaker.tryAcquire()).toEqual({ ok: false, retryInMs: undefined, state: 'open' });
    breaker.close();
    expect(breaker.tryAcquire().ok).toBe(true);
    expect(events.map((e) => [e.to, e.reason])).toEqual([
      ['open', 'scheduled maintenance'],
      ['closed', 'closed manually'],
    ]);
  });

  it('isolate holds the circuit open and marks it isolated', () => {
    const { breaker } = setup();
    breaker.isolate('key revoked');
    vi.advanceTimersByTime(10 * 60_000);
    expect(breaker.isOpen()).toBe(true);
    expect(breaker.isIsolated()).toBe(true);
    expect(breaker.tryAcquire()).toMatchObject({ ok: false, state: 'isolated' });
    breaker.close('key rotated');
    expect(breaker.isIsolated()).toBe(false);
    expect(breaker.isOpen()).toBe(false);
  });

  it('serialises to plain JSON and restores from it', () => {
    const { breaker, failures } = setup();
    failures(3);
    const json = JSON.parse(JSON.stringify(breaker));
    expect(json).toEqual({ state: 'closed', failures: [T0, T0, T0] });
    const copy = new CircuitBreaker('openai', { clock: systemClock, initialState: json });
    copy.recordOutcome({ ok: false, durationMs: 1, category: 'timeout' });
    copy.recordOutcome({ ok: false, durationMs: 1, category: 'timeout' });
    expect(copy.state.state).toBe('open');
    const events: string[] = [];
    breaker.on('state-changed', (e) => events.push(`${e.from}>${e.to}:${e.reason}`));
    breaker.restore(copy.toJSON());
    expect(breaker.toJSON()).toEqual(copy.toJSON());
    expect(events).toEqual(['closed>open:restored']);
  });

  it('rejects invalid stored state and invalid thresholds', () => {
    const { breaker } = setup();
    expect(() => breaker.restore({ state: 'open', openedAt: 'yesterday' })).toThrow(/invalid at openedAt/);
    expect(() => breaker.restore({ state: 'ajar' })).toThrow(ReelayError);
    expect(() => new CircuitBreaker('x', { failureThreshold: 0 })).toThrow(/invalid failureThreshold/);
    expect(() => new CircuitBreaker('x', { recoveryTimeoutMs: -1 })).toThrow(/invalid recoveryTimeoutMs/);
  });

  it('state is a copy: mutating it does not affect the breaker', () => {
    const { breaker, failures } = setup();
    failures(1);
    const state = breaker.state;
    if (state.state === 'closed') state.failures.push(1, 2, 3, 4);
    expect(breaker.state).toEqual({ state: 'closed', failures: [T0] });
  });
});

describe('CircuitBreaker.execute', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  it('times the call on the clock and records slow successes', async () => {
    const { breaker } = setup({ failureThreshold: 1, slowCallThresholdMs: 1000 });
    const run = breaker.execute(
      () => new Promise<string>((resolve) => setTimeout(() => resolve('done'), 1000)),
    );
    await vi.advanceTimersByTimeAsync(1000);
    await expect(run).resolves.toBe('done');
    expect(breaker.state.state).toBe('open');
  });

  it('classifies thrown errors to decide whether they count, and rethrows them unchanged', async () => {
    const { breaker } = setup({ failureThreshold: 1 });
    const refusal = new ReelayError('REELAY_ERR_PROVIDER', 'policy', { category: 'quality_failure' });
    await expect(breaker.execute(async () => Promise.reject(refusal))).rejects.toBe(refusal);
    expect(breaker.state.state).toBe('closed');
    const reset = Object.assign(new Error('reset'), { code: 'ECONNRESET' });
    await expect(breaker.execute(async () => Promise.reject(reset))).rejects.toBe(reset);
    expect(breaker.state.state).toBe('open');
  });

  it('throws CircuitOpenError naming the provider and when it will be retried', async () => {
    const { breaker } = setup({ failureThreshold: 1 });
    breaker.recordOutcome({ ok: false, durationMs: 1, category: 'api_failure' });
    vi.advanceTimersByTime(15_000);
    const fn = vi.fn(async () => 'x');
    const error = await breaker.execute(fn).catch((e: unknown) => e);
    expect(fn).not.toHaveBeenCalled();
    expect(error).toBeInstanceOf(CircuitOpenError);
    const open = error as CircuitOpenError;
    expect(open.code).toBe('REELAY_ERR_CIRCUIT_OPEN');
    expect(open.provider).toBe('openai');
    expect(open.retryAfterMs).toBe(45_000);
    expect(open.category).toBe('provider_overload');
    expect(open.message).toContain('openai');
    expect(open.message).toContain('in 45 s (at 2025-01-01T00:01:00.000Z)');
  });

  it('a call aborted by the caller is not held against the provider, and frees its probe slot', async () => {
    const { breaker } = setup({ failureThreshold: 1, halfOpenMaxCalls: 1 });
    const abortedCall = async () => {
      const controller = new AbortController();
      const run = breaker.execute(async (signal) => {
        controller.abort();
        throw signal.reason;
      }, controller.signal);
      await expect(run).rejects.toBeInstanceOf(DOMException);
    };
    await abortedCall();
    expect(breaker.state).toEqual({ state: 'closed', failures: [] });
    breaker.recordOutcome({ ok: false, durationMs: 1, category: 'api_failure' });
    vi.advanceTimersByTime(60_000);
    await abortedCall();
    expect(breaker.state).toMatchObject({ state: 'half_open', inFlight: 0, successes: 0 });
  });

  it('manual open gives a message saying an operator must close it', async () => {
    const { breaker } = setup();
    breaker.isolate('key revoked');
    const error = await breaker.execute(async () => 'x').catch((e: unknown) => e);
    expect((error as CircuitOpenError).message).toContain('stays off until an operator closes its circuit');
    expect((error as CircuitOpenError).retryAfterMs).toBeUndefined();
  });
});
