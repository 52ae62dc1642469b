import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCallContext } from '../domain/call-context.js';
import { systemClock } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import type { Heartbeat } from '../domain/heartbeat.js';
import { Bulkhead } from './bulkhead.js';
import { BulkheadPolicy } from './bulkhead-policy.js';
import { BulkheadRegistry, DEFAULT_BULKHEADS } from './bulkhead-registry.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { classifyError } from './classify-error.js';
import { ErrorRecoveryEngine } from './error-recovery-engine.js';

const settings = { maxConcurrent: 1, maxQueue: 2, queueTimeoutMs: 5000 };

describe('Bulkhead', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs maxConcurrent at once, queues first in first out, and hands the slot over on release', async () => {
    const b = new Bulkhead('ollama', settings);
    const r1 = await b.acquire();
    const order: string[] = [];
    const noted = (name: string) => (release: () => void) => {
      order.push(name);
      return release;
    };
    const p2 = b.acquire().then(noted('2'));
    const p3 = b.acquire().then(noted('3'));
    expect(b.view()).toMatchObject({ inUse: 1, queued: 2 });
    r1();
    r1(); // idempotent: a second release frees nothing more
    const r2 = await p2;
    expect(b.view()).toMatchObject({ inUse: 1, queued: 1 });
    r2();
    (await p3)();
    expect(order).toEqual(['2', '3']);
    expect(b.view()).toMatchObject({ inUse: 0, queued: 0, rejected: 0 });
  });

  it('refuses a call when the queue is full with a classified provider_overload error', async () => {
    const b = new Bulkhead('ollama', settings);
    await b.acquire();
    void b.acquire();
    void b.acquire();
    const error = await b.acquire().catch((e: unknown) => e);
    expect(ReelayError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'REELAY_ERR_PROVIDER_OVERLOAD',
      status: 503,
      category: 'provider_overload',
      retryable: false,
      details: { refusedBy: 'bulkhead', reason: 'queue_full' },
    });
    expect(classifyError(error, { provider: 'ollama' }).category).toBe('provider_overload');
    // The recovery engine hands it to the fallback policy (switch), no same-provider retry.
    expect(new ErrorRecoveryEngine().decide(error as ReelayError, 1)).toEqual({
      action: 'switch',
      category: 'provider_overload',
    });
    expect(b.view()).toMatchObject({ rejected: 1, timedOut: 0 });
  });

  it('times a queued call out exactly at queueTimeoutMs, not 1 ms before', async () => {
    const b = new Bulkhead('sd', settings);
    await b.acquire();
    let outcome: unknown;
    b.acquire().then(
      () => (outcome = 'admitted'),
      (e: unknown) => (outcome = e),
    );
    await vi.advanceTimersByTimeAsync(4999);
    expect(outcome).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome).toMatchObject({ category: 'provider_overload', details: { reason: 'queue_timeout' } });
    expect(b.view()).toMatchObject({ queued: 0, rejected: 1, timedOut: 1 });
  });

  it('tells queued callers their position on entry, on every move and every second', async () => {
    const b = new Bulkhead('ollama', { ...settings, maxQueue: 5 });
    const r1 = await b.acquire();
    const a: number[] = [];
    const c: number[] = [];
    void b.acquire(undefined, (p) => a.push(p));
    void b.acquire(undefined, (p) => c.push(p));
    expect(a).toEqual([1]);
    expect(c).toEqual([2]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(c).toEqual([2, 2]);
    r1();
    expect(c).toEqual([2, 2, 1]);
  });

  it('leaves the queue when the signal aborts', async () => {
    const b = new Bulkhead('ollama', settings);
    await b.acquire();
    const control = new AbortController();
    const queued = b.acquire(control.signal).catch((e: unknown) => e);
    control.abort(new Error('canceled'));
    expect(((await queued) as Error).message).toBe('canceled');
    expect(b.view().queued).toBe(0);
  });
});

describe('BulkheadPolicy', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('holds a slot for the call, reports queue position as waiting heartbeats, releases on failure too', async () => {
    const registry = new BulkheadRegistry({ settings: { ollama: { maxConcurrent: 1, maxQueue: 4 } } });
    const policy = new BulkheadPolicy((p) => registry.get(p));
    const beats: Heartbeat[] = [];
    const ctx = createCallContext(
      { jobId: 'j', stage: 'script', provider: 'ollama', correlationId: 'c' },
      { signal: new AbortController().signal, clock: systemClock, heartbeat: (b) => beats.push(b) },
    );
    let finishFirst: () => void = () => {};
    const first = policy.execute(() => new Promise<string>((r) => (finishFirst = () => r('a'))), ctx);
    const second = policy.execute(async () => {
      throw new Error('boom');
    }, ctx);
    expect(beats).toEqual([
      { message: 'waiting for a free ollama slot: 1st of 1 in queue', waiting: 'bulkhead' },
    ]);
    await vi.advanceTimersByTimeAsync(0);
    finishFirst();
    expect(await first).toBe('a');
    await expect(second).rejects.toThrow('boom');
    expect(registry.get('ollama')?.view()).toMatchObject({ inUse: 0, queued: 0 });
  });

  it('passes providers without a bulkhead straight through', async () => {
    const registry = new BulkheadRegistry({ settings: { ollama: false } });
    expect(registry.get('ollama')).toBeUndefined();
    expect(registry.get('stable-diffusion')?.settings).toEqual(DEFAULT_BULKHEADS['stable-diffusion']);
    const policy = new BulkheadPolicy((p) => registry.get(p));
    const ctx = createCallContext(
      { jobId: 'j', stage: 's', provider: 'openai', correlationId: 'c' },
      { signal: new AbortController().signal, clock: systemClock },
    );
    expect(await policy.execute(async () => 7, ctx)).toBe(7);
  });

  it('rejects invalid settings with a config error', () => {
    expect(() => new BulkheadRegistry({ settings: { x: { maxConcurrent: 0 } } })).toThrow(/maxConcurrent/);
  });
});

describe("the breaker and Reelay's own refusals", () => {
  it('does not count a bulkhead refusal against the provider', async () => {
    const breaker = new CircuitBreaker('ollama', { failureThreshold: 1 });
    const b = new Bulkhead('ollama', { maxConcurrent: 1, maxQueue: 0, queueTimeoutMs: 1000 });
    await b.acquire();
    await expect(breaker.execute(() => b.acquire())).rejects.toMatchObject({ category: 'provider_overload' });
    expect(breaker.state.state).toBe('closed');
  });
});
