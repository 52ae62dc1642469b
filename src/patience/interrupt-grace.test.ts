import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProviderTimeoutProfileLoader } from '../config/timeout-profile-loader.js';
import { ReelayError } from '../domain/errors.js';
import { sequentialIds } from '../domain/ids.js';
import { MemoryAuditTrail } from '../state/memory/memory-audit-trail.js';
import { ProviderGateway } from './provider-gateway.js';

function gateway(interruptGraceMs?: number): ProviderGateway {
  return new ProviderGateway({
    profiles: new ProviderTimeoutProfileLoader(),
    audit: new MemoryAuditTrail(),
    ids: sequentialIds(),
    ...(interruptGraceMs === undefined ? {} : { interruptGraceMs }),
  });
}

const cancel = (): ReelayError => new ReelayError('REELAY_ERR_CANCELED', 'canceled by the test');

describe('interrupt grace', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits for an operation that honours its signal to stop, then rejects with the abort reason', async () => {
    const gw = gateway(2000);
    const caller = new AbortController();
    let stoppedAt = -1;
    const outcome = gw
      .executeWithPatience({
        jobId: 'j',
        providerName: 'ffmpeg',
        stage: 'render',
        correlationId: 'c',
        signal: caller.signal,
        operation: ({ signal }) =>
          new Promise((_, reject) =>
            signal.addEventListener('abort', () =>
              // Cleaning up takes 300 ms (e.g. SIGTERM, then the process exits).
              setTimeout(() => {
                stoppedAt = Date.now();
                reject(new Error('killed'));
              }, 300),
            ),
          ),
      })
      .then(
        () => 'resolved',
        (e: unknown) => e,
      );
    const abortedAt = Date.now();
    caller.abort(cancel());
    let settled: unknown;
    void outcome.then((v) => {
      settled = v;
    });
    await vi.advanceTimersByTimeAsync(299);
    expect(settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(stoppedAt - abortedAt).toBe(300);
    expect((settled as ReelayError).code).toBe('REELAY_ERR_CANCELED');
  });

  it('stops waiting at the grace limit for an operation that ignores its signal, and never reports its late result', async () => {
    const gw = gateway(2000);
    const caller = new AbortController();
    const outcome = gw
      .executeWithPatience({
        jobId: 'j',
        providerName: 'ffmpeg',
        stage: 'render',
        correlationId: 'c',
        signal: caller.signal,
        operation: () => new Promise((resolve) => setTimeout(() => resolve('late'), 5000)),
      })
      .then(
        (v) => v,
        (e: unknown) => e,
      );
    caller.abort(cancel());
    let settled: unknown;
    void outcome.then((v) => {
      settled = v;
    });
    await vi.advanceTimersByTimeAsync(1999);
    expect(settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect((settled as ReelayError).code).toBe('REELAY_ERR_CANCELED');
    await vi.advanceTimersByTimeAsync(5000);
    expect((settled as ReelayError).code).toBe('REELAY_ERR_CANCELED');
  });

  it('rejects at once without a grace (the default)', async () => {
    const gw = gateway();
    const caller = new AbortController();
    const outcome = gw.executeWithPatience({
      jobId: 'j',
      providerName: 'ffmpeg',
      stage: 'render',
      correlationId: 'c',
      signal: caller.signal,
      operation: () => new Promise(() => {}),
    });
    caller.abort(cancel());
    await expect(outcome).rejects.toMatchObject({ code: 'REELAY_ERR_CANCELED' });
  });
});
