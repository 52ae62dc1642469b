import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sleep, systemClock } from './clock.js';
import { TypedEmitter } from './disposable.js';
import { ReelayError } from './errors.js';
import type { ReelayEvent } from './events.js';
import { sequentialIds } from './ids.js';
import { redactKeyLike, redactSecrets } from './redact.js';

describe('clock', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sleep resolves at the boundary, not before', async () => {
    let done = false;
    void sleep(systemClock, 1000).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });

  it('sleep rejects with the abort reason', async () => {
    const ac = new AbortController();
    const p = sleep(systemClock, 5000, ac.signal);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
  });
});

describe('ReelayError', () => {
  it('carries code, status, category and survives isInstance across copies', () => {
    const err = new ReelayError('REELAY_ERR_PROVIDER', 'boom', { category: 'rate_limit', retryable: true });
    expect(err.status).toBe(502);
    expect(ReelayError.isInstance(err)).toBe(true);
    expect(ReelayError.isInstance(new Error('x'))).toBe(false);
    expect(err.toJSON()).toMatchObject({
      code: 'REELAY_ERR_PROVIDER',
      category: 'rate_limit',
      retryable: true,
    });
  });
});

describe('redaction', () => {
  it('removes configured secrets and key-shaped strings', () => {
    expect(redactSecrets('key=abcd1234 ok', ['abcd1234'])).toBe('key=[REDACTED] ok');
    expect(redactKeyLike('Authorization: Bearer sk-abcdefghijklmnop1234')).not.toContain('abcdefghijklmnop');
  });
});

describe('TypedEmitter', () => {
  it('delivers by type, isolates throwing listeners, and disposes', () => {
    const errors: unknown[] = [];
    const em = new TypedEmitter<ReelayEvent>((e) => errors.push(e));
    const seen: string[] = [];
    em.on('canceled', () => {
      throw new Error('bad listener');
    });
    const sub = em.on('canceled', (e) => seen.push(e.reason));
    em.emit({ type: 'canceled', jobId: 'j', timestamp: 't', reason: 'user', partialArtifacts: [] });
    sub.dispose();
    em.emit({ type: 'canceled', jobId: 'j', timestamp: 't', reason: 'again', partialArtifacts: [] });
    expect(seen).toEqual(['user']);
    expect(errors).toHaveLength(2);
  });

  it('sequentialIds counts per prefix', () => {
    const ids = sequentialIds();
    expect([ids('job'), ids('job'), ids('op')]).toEqual(['job_1', 'job_2', 'op_1']);
  });
});
