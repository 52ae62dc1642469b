import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCallContext } from '../domain/call-context.js';
import { systemClock } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import type { Heartbeat } from '../domain/heartbeat.js';
import { MemoryRateWindowStore } from '../state/memory/memory-rate-window-store.js';
import { windowWaitMs } from '../state/rate-window-store.js';
import { classifyError } from './classify-error.js';
import { isLimitRefusal } from './limit-refusal.js';
import { RateLimitPolicy } from './rate-limit-policy.js';
import { keyIdOf, RateLimiter } from './rate-limiter.js';

const T0 = Date.parse('2026-12-02T03:00:00Z');

describe('sliding window arithmetic', () => {
  const limits = { windowMs: 1000, requests: 2 };

  it('fits while under the request limit and names the wait until the oldest entry expires', () => {
    expect(windowWaitMs([{ at: 0, tokens: 0 }], 100, 0, limits)).toBe(0);
    const full = [
      { at: 0, tokens: 0 },
      { at: 400, tokens: 0 },
    ];
    expect(windowWaitMs(full, 100, 0, limits)).toBe(900);
    expect(windowWaitMs(full, 999, 0, limits)).toBe(1);
  });

  it('waits for enough tokens to leave the window, but admits a too-large request into an empty one', () => {
    const entries = [
      { at: 0, tokens: 60 },
      { at: 500, tokens: 30 },
    ];
    const t = { windowMs: 1000, tokens: 100 };
    expect(windowWaitMs(entries, 600, 10, t)).toBe(0);
    expect(windowWaitMs(entries, 600, 20, t)).toBe(400); // the first entry must expire
    expect(windowWaitMs(entries, 600, 80, t)).toBe(900); // both must expire
    expect(windowWaitMs([], 600, 500, t)).toBe(0);
  });

  it('memory store: counts exactly `limit` per window, admits again 1 ms after the window and not before', async () => {
    const store = new MemoryRateWindowStore();
    const req = (now: number) => store.acquire({ bucket: 'b', now, tokens: 0, limits });
    expect((await req(0)).ok).toBe(true);
    expect((await req(10)).ok).toBe(true);
    expect(await req(999)).toEqual({ ok: false, waitMs: 1, requests: 2, tokens: 0 });
    expect(await req(1000)).toMatchObject({ ok: true, requests: 2 }); // entry at 0 expired exactly at 1000
    expect(await req(1009)).toMatchObject({ ok: false, waitMs: 1 });
  });

  it('memory store: a block (Retry-After) holds every request until it ends', async () => {
    const store = new MemoryRateWindowStore();
    await store.blockUntil('b', 500, 0);
    expect(await store.acquire({ bucket: 'b', now: 100, tokens: 0, limits })).toMatchObject({
      ok: false,
      waitMs: 400,
    });
    expect((await store.acquire({ bucket: 'b', now: 500, tokens: 0, limits })).ok).toBe(true);
  });
});

describe('RateLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  it('passes ungoverned providers at once and never stores the key, only its id', async () => {
    const limiter = new RateLimiter({
      limits: { openai: { requestsPerMinute: 1, keyId: keyIdOf('sk-secret') } },
    });
    expect((await limiter.acquire('ollama')).waitedMs).toBe(0);
    await limiter.acquire('openai');
    const view = limiter.view('openai');
    expect(view?.bucket).toMatch(/^openai#[0-9a-f]{12}$/);
    expect(JSON.stringify(view)).not.toContain('sk-secret');
    expect(view).toMatchObject({ requestLimit: 1, remainingRequests: 0 });
  });

  it('makes the third call in a 2-per-second window wait until the window moves, then counts the wait', async () => {
    const limiter = new RateLimiter({ limits: { p: { requestsPerMinute: 2, windowMs: 1000, marginMs: 0 } } });
    (await limiter.acquire('p')).settle(); // answered at once
    vi.advanceTimersByTime(200);
    (await limiter.acquire('p')).settle();
    const waits: number[] = [];
    let done = false;
    const third = limiter.acquire('p', { onWait: (ms) => waits.push(ms) }).then((r) => {
      done = true;
      return r;
    });
    await vi.advanceTimersByTimeAsync(799);
    expect(done).toBe(false);
    expect(limiter.view('p')?.waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await third).waitedMs).toBe(800);
    expect(waits[0]).toBe(800);
    expect(limiter.view('p')).toMatchObject({ waiting: 0, waits: 1, waitedMsTotal: 800 });
  });

  it('refuses at once with a non-retryable rate_limit error when the wait would exceed maxWaitMs', async () => {
    const limiter = new RateLimiter({
      limits: { p: { requestsPerMinute: 1, maxWaitMs: 5000, marginMs: 0 } },
    });
    await limiter.acquire('p');
    const error = await limiter.acquire('p').catch((e: unknown) => e);
    expect(ReelayError.isInstance(error)).toBe(true);
    const e = error as ReelayError;
    expect(e).toMatchObject({ code: 'REELAY_ERR_RATE_LIMITED', category: 'rate_limit', retryable: false });
    expect(e.message).toContain("p's rate limit would make this call wait 60 s");
    expect(classifyError(e, { provider: 'p' }).category).toBe('rate_limit');
    expect(isLimitRefusal(e)).toBe(true);
    expect(limiter.view('p')?.rejected).toBe(1);
  });

  it('learns remaining 0 with an OpenAI reset and waits for the reset before the next call', async () => {
    const limiter = new RateLimiter();
    expect(limiter.governs('openai')).toBe(false);
    limiter.learn(
      'openai',
      { 'x-ratelimit-remaining-requests': '1', 'x-ratelimit-reset-requests': '2s' },
      200,
    );
    expect(limiter.governs('openai')).toBe(true);
    expect((await limiter.acquire('openai')).waitedMs).toBe(0); // the one left
    const next = limiter.acquire('openai');
    await vi.advanceTimersByTimeAsync(2000);
    expect((await next).waitedMs).toBe(2000);
  });

  it('learns a limit from x-ratelimit-limit-requests when none is configured', async () => {
    const limiter = new RateLimiter();
    limiter.learn(
      'openai',
      { 'x-ratelimit-limit-requests': '2', 'x-ratelimit-remaining-requests': '2' },
      200,
    );
    await limiter.acquire('openai');
    await limiter.acquire('openai');
    expect(limiter.view('openai')).toMatchObject({ requestLimit: 2, remainingRequests: 0 });
    await expect(limiter.acquire('openai')).rejects.toMatchObject({ code: 'REELAY_ERR_RATE_LIMITED' });
  });

  it("honours a 429's Retry-After for every later call", async () => {
    const limiter = new RateLimiter({ limits: { p: { requestsPerMinute: 100 } } });
    limiter.learn('p', { 'retry-after': '3' }, 429);
    expect(limiter.view('p')?.blockedUntil).toBe(new Date(T0 + 3000).toISOString());
    const call = limiter.acquire('p');
    await vi.advanceTimersByTimeAsync(3000);
    expect((await call).waitedMs).toBe(3000);
  });

  it('counts with a margin of 1 % of the window by default (network jitter)', async () => {
    const limiter = new RateLimiter({ limits: { p: { requestsPerMinute: 1, maxWaitMs: 120_000 } } });
    (await limiter.acquire('p')).settle();
    const next = limiter.acquire('p');
    await vi.advanceTimersByTimeAsync(60_599);
    expect(limiter.view('p')?.waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await next).waitedMs).toBe(60_600);
  });

  it('settle moves the counted call to when the provider answered, so its slot frees later', async () => {
    const limiter = new RateLimiter({ limits: { p: { requestsPerMinute: 1, windowMs: 1000, marginMs: 0 } } });
    const first = await limiter.acquire('p');
    vi.advanceTimersByTime(400); // the request took 400 ms to reach the provider and be answered
    first.settle();
    first.settle(); // idempotent
    await vi.advanceTimersByTimeAsync(0);
    const next = limiter.acquire('p');
    await vi.advanceTimersByTimeAsync(999);
    expect(limiter.view('p')?.waiting).toBe(1); // without settle it would have run at 1000 ms
    await vi.advanceTimersByTimeAsync(1);
    expect((await next).waitedMs).toBe(1000);
  });

  it('holds a call that has not been answered yet as sent just now', async () => {
    const limiter = new RateLimiter({ limits: { p: { requestsPerMinute: 1, windowMs: 1000, marginMs: 0 } } });
    const slow = await limiter.acquire('p'); // sent, no answer yet
    vi.advanceTimersByTime(5000);
    const next = limiter.acquire('p');
    await vi.advanceTimersByTimeAsync(3000);
    expect(limiter.view('p')?.waiting).toBe(1); // still held: its request may have only just arrived
    slow.settle();
    await vi.advanceTimersByTimeAsync(1000);
    expect((await next).waitedMs).toBe(4000);
  });

  it('waits for tokens per minute', async () => {
    const limiter = new RateLimiter({ limits: { p: { tokensPerMinute: 1000 } } });
    await limiter.acquire('p', { tokens: 800 });
    await expect(limiter.acquire('p', { tokens: 300 })).rejects.toMatchObject({ category: 'rate_limit' });
    const small = await limiter.acquire('p', { tokens: 200 });
    expect(small.waitedMs).toBe(0);
  });

  it('stops waiting when the signal aborts', async () => {
    const limiter = new RateLimiter({ limits: { p: { requestsPerMinute: 1, windowMs: 10_000 } } });
    await limiter.acquire('p');
    const control = new AbortController();
    const call = limiter.acquire('p', { signal: control.signal }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1500);
    control.abort(new Error('canceled'));
    expect(((await call) as Error).message).toBe('canceled');
    expect(limiter.view('p')?.waiting).toBe(0);
  });
});

describe('RateLimitPolicy', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  it('pushes a waiting heartbeat every second while it waits, then runs the call', async () => {
    const limiter = new RateLimiter({
      limits: { openai: { requestsPerMinute: 1, windowMs: 3000, marginMs: 0 } },
    });
    const policy = new RateLimitPolicy(limiter);
    const beats: Heartbeat[] = [];
    const ctx = createCallContext(
      { jobId: 'j', stage: 'script', provider: 'openai', correlationId: 'c' },
      { signal: new AbortController().signal, clock: systemClock, heartbeat: (b) => beats.push(b) },
    );
    await policy.execute(async () => 'first', ctx);
    let result: string | undefined;
    const second = policy
      .execute(async () => 'second', ctx)
      .then((v) => {
        result = v;
      });
    await vi.advanceTimersByTimeAsync(2999);
    expect(result).toBeUndefined();
    expect(beats.map((b) => b.message)).toEqual([
      "waiting for openai's rate limit, 3 s",
      "waiting for openai's rate limit, 2 s",
      "waiting for openai's rate limit, 1 s",
    ]);
    expect(beats.every((b) => b.waiting === 'rate_limit')).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    await second;
    expect(result).toBe('second');
  });
});
