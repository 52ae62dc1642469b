import { describe, expect, it } from 'vitest';
import { JobFailureHistory } from '../routing/job-failure-history.js';
import { MemoryBreakerStateStore, MemoryFailureHistoryStore } from '../state/memory/memory-router-state.js';
import { CircuitBreakerRegistry } from './circuit-breaker-registry.js';

const T0 = Date.UTC(2026, 4, 1);
const clock = { now: () => T0, setTimeout: () => 0, clearTimeout: () => {} } as never;

describe('breakers write through their store', () => {
  it('every state change is stored; calls that change nothing write nothing', async () => {
    const store = new MemoryBreakerStateStore();
    let writes = 0;
    const counting = {
      get: (p: string) => store.get(p),
      set: (p: string, s: unknown) => {
        writes += 1;
        return store.set(p, s);
      },
    };
    const registry = new CircuitBreakerRegistry({ clock, store: counting });
    const breaker = registry.get('openai');
    for (let i = 0; i < 10; i += 1)
      breaker.tryAcquire().ok && breaker.recordOutcome({ ok: true, durationMs: 5 });
    await registry.flush();
    expect(writes).toBe(0);
    breaker.open('maintenance');
    await registry.flush();
    expect(writes).toBe(1);
    expect(await store.get('openai')).toMatchObject({ state: 'open', reason: 'maintenance', manual: true });
  });

  it('a registry created later on the same store starts from the stored state', async () => {
    const store = new MemoryBreakerStateStore();
    const first = new CircuitBreakerRegistry({ clock, store });
    first.get('runway').isolate('operator');
    await first.flush();
    const second = new CircuitBreakerRegistry({ clock, store });
    const changes: string[] = [];
    second.onStateChange((c) => changes.push(`${c.from}->${c.to}:${c.reason}`));
    second.get('runway');
    await second.flush();
    expect(second.isOpen('runway')).toBe(true);
    expect(changes).toEqual(['closed->isolated:stored state']);
  });

  it('a local step taken before the stored state arrives is not overwritten by it', async () => {
    const store = new MemoryBreakerStateStore();
    await store.set('kling', { state: 'open', openedAt: T0, reason: 'old', manual: true });
    const registry = new CircuitBreakerRegistry({ clock, store });
    registry.get('kling').close('operator');
    await registry.flush();
    expect(registry.get('kling').state.state).toBe('closed');
    expect(await store.get('kling')).toMatchObject({ state: 'closed' });
  });
});

describe('job failure history writes through its store', () => {
  it('a second history on the same store loads the job before routing it', async () => {
    const store = new MemoryFailureHistoryStore();
    const a = new JobFailureHistory({ store, now: () => T0 });
    a.recordFailure('job_1', 'narration', 'elevenlabs', 'rate_limit');
    await a.flush();
    expect(await store.list('job_1')).toEqual([
      { stage: 'narration', provider: 'elevenlabs', category: 'rate_limit', at: T0 },
    ]);
    const b = new JobFailureHistory({ store });
    expect(b.failedProviders('job_1')).toEqual([]);
    await b.load('job_1');
    expect(b.failedProviders('job_1', 'narration')).toEqual(['elevenlabs']);
    expect(b.load('job_1')).toBeUndefined();
    b.clear('job_1');
    await b.flush();
    expect(await store.list('job_1')).toEqual([]);
  });
});
