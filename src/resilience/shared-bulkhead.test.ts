import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import { MemorySemaphoreStore } from '../state/memory/memory-semaphore-store.js';
import type { SemaphoreStore } from '../state/semaphore-store.js';
import { Bulkhead } from './bulkhead.js';
import { SharedBulkhead } from './shared-bulkhead.js';

const settings = { maxConcurrent: 2, maxQueue: 8, queueTimeoutMs: 5000 };

/** Two "processes": each its own in-process bulkhead, both on one store. */
function pair(store: SemaphoreStore = new MemorySemaphoreStore(), leaseTtlMs = 3000) {
  const make = (holder: string) =>
    new SharedBulkhead(
      new Bulkhead('ollama', settings),
      { store, holder, leaseTtlMs, retryMs: 100 },
      systemClock,
    );
  return { a: make('a'), b: make('b'), store };
}

describe('SharedBulkhead', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('holds maxConcurrent across processes: a third call waits for a release elsewhere', async () => {
    const { a, b, store } = pair();
    const ra = await a.acquire();
    const rb = await b.acquire();
    expect(await store.inUse('ollama', Date.now())).toBe(2);
    const positions: number[] = [];
    let third: (() => void) | undefined;
    const waiting = a
      .acquire(undefined, (p) => positions.push(p))
      .then((r) => {
        third = r;
      });
    await vi.advanceTimersByTimeAsync(1000);
    expect(third).toBeUndefined();
    expect(positions.length).toBeGreaterThan(0);
    rb();
    await vi.advanceTimersByTimeAsync(100);
    await waiting;
    expect(third).toBeDefined();
    expect(await store.inUse('ollama', Date.now())).toBe(2);
    ra();
    third?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(await store.inUse('ollama', Date.now())).toBe(0);
  });

  it('refuses with provider_overload (queue_timeout) when no shared slot frees within the queue limit', async () => {
    const { a, b } = pair();
    await b.acquire();
    await b.acquire();
    const refused = a.acquire().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(4999);
    await vi.advanceTimersByTimeAsync(1);
    const error = (await refused) as ReelayError;
    expect(ReelayError.isInstance(error)).toBe(true);
    expect(error.category).toBe('provider_overload');
    expect(a.view()).toMatchObject({ rejected: 1, timedOut: 1, inUse: 0 });
  });

  it('renews its lease while the call runs, past the TTL', async () => {
    const { a, store } = pair();
    const release = await a.acquire();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await store.inUse('ollama', Date.now())).toBe(1);
    release();
  });

  it('a crashed holder (no renewals) frees its slot exactly at the lease TTL', async () => {
    const store = new MemorySemaphoreStore();
    const { a } = pair(store);
    const t0 = Date.now();
    await store.acquire('ollama', 'dead', 2, t0, 3000);
    await store.acquire('ollama', 'dead', 2, t0, 3000);
    let got = false;
    const waiting = a.acquire().then((r) => {
      got = true;
      return r;
    });
    await vi.advanceTimersByTimeAsync(2900);
    expect(got).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    (await waiting)();
    expect(got).toBe(true);
  });

  it('runs on the in-process limit alone when the store fails', async () => {
    const broken: SemaphoreStore = {
      acquire: () => Promise.reject(new Error('connection refused')),
      renew: () => Promise.reject(new Error('connection refused')),
      release: () => Promise.reject(new Error('connection refused')),
      inUse: () => Promise.reject(new Error('connection refused')),
    };
    const { a } = pair(broken);
    const r1 = await a.acquire();
    const r2 = await a.acquire();
    expect(a.view()).toMatchObject({ inUse: 2 });
    r1();
    r2();
  });
});
