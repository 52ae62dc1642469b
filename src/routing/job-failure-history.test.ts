import { describe, expect, it } from 'vitest';
import { MemoryFailureHistoryStore } from '../state/memory/memory-router-state.js';
import { JobFailureHistory } from './job-failure-history.js';
import { MemoryCallRecordStore } from './memory-call-record-store.js';

describe('JobFailureHistory', () => {
  it('answers failed providers per job and stage, counts, and forgets', () => {
    const h = new JobFailureHistory();
    h.recordFailure('j', 'script', 'openai', 'timeout');
    h.recordFailure('j', 'narration', 'eleven', 'rate_limit');
    h.recordFailure('j', 'script', 'openai', 'api_failure');
    expect(h.failedProviders('j')).toEqual(['openai', 'eleven']);
    expect(h.failedProviders('j', 'narration')).toEqual(['eleven']);
    expect(h.failedProviders('other')).toEqual([]);
    expect(h.failureCount('j', 'openai')).toBe(2);
    expect(h.failures('j')).toHaveLength(3);
    h.clear('j');
    expect(h.failedProviders('j')).toEqual([]);
  });

  it('keeps at most maxJobs jobs, dropping the least recently updated', () => {
    const h = new JobFailureHistory({ maxJobs: 2 });
    h.recordFailure('a', 's', 'p', 'timeout');
    h.recordFailure('b', 's', 'p', 'timeout');
    h.recordFailure('a', 's', 'q', 'timeout');
    h.recordFailure('c', 's', 'p', 'timeout');
    expect(h.failedProviders('b')).toEqual([]);
    expect(h.failedProviders('a')).toEqual(['p', 'q']);
  });
});

describe('JobFailureHistory in a long-running worker', () => {
  it('keeps at most maxJobs loaded marks, though jobs without failures are never kept', async () => {
    const h = new JobFailureHistory({ maxJobs: 3, store: new MemoryFailureHistoryStore() });
    for (let i = 0; i < 10; i++) await h.load(`job_${i}`);
    expect(h.size).toEqual({ jobs: 0, loaded: 3 });
    // The oldest mark was dropped: loading job_0 again reads the store afresh.
    expect(h.load('job_0')).toBeInstanceOf(Promise);
    expect(h.load('job_9')).toBeUndefined();
  });

  it('forget drops the in-process copy and keeps the store: a later load reads it back', async () => {
    const store = new MemoryFailureHistoryStore();
    const h = new JobFailureHistory({ store });
    await h.load('j');
    h.recordFailure('j', 'script', 'ollama', 'timeout');
    await h.flush();
    h.forget('j');
    expect(h.size).toEqual({ jobs: 0, loaded: 0 });
    expect(h.failedProviders('j')).toEqual([]);
    await h.load('j');
    expect(h.failedProviders('j')).toEqual(['ollama']);
  });
});

describe('MemoryCallRecordStore', () => {
  it('keeps the newest maxPerProvider records, oldest first', async () => {
    const store = new MemoryCallRecordStore({ maxPerProvider: 2 });
    for (const startedAt of [1, 2, 3]) {
      await store.append({ provider: 'p', operation: 'chat', startedAt, latencyMs: 1, ok: true });
    }
    expect((await store.since('p', 0)).map((r) => r.startedAt)).toEqual([2, 3]);
    expect(await store.since('q', 0)).toEqual([]);
  });
});
