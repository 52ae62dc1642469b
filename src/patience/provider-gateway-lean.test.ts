import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_TIMEOUT_PROFILES } from '../config/timeout-profile-defaults.js';
import { ProviderTimeoutProfileLoader } from '../config/timeout-profile-loader.js';
import { type Clock, systemClock } from '../domain/clock.js';
import { sequentialIds } from '../domain/ids.js';
import type { ProviderCallContext } from '../domain/provider.js';
import { MemoryAuditTrail } from '../state/memory/memory-audit-trail.js';
import { expectNothingLeftRunning, makeGateway, manualOperation } from './gateway-test-harness.js';
import { ProviderGateway } from './provider-gateway.js';

const req = { jobId: 'job-1', providerName: 'Ollama', stage: 'script', correlationId: 'corr-1' } as const;

/** A gateway with the library defaults (silent logger) over a clock that counts `now()` reads. */
function quietGateway() {
  const reads = { now: 0 };
  const clock: Clock = {
    now: () => {
      reads.now++;
      return systemClock.now();
    },
    setTimeout: systemClock.setTimeout,
    clearTimeout: systemClock.clearTimeout,
  };
  const gateway = new ProviderGateway({
    profiles: new ProviderTimeoutProfileLoader({ config: DEFAULT_TIMEOUT_PROFILES }),
    audit: new MemoryAuditTrail(),
    ids: sequentialIds(),
    clock,
  });
  return { gateway, reads };
}

describe('ProviderGateway: lean patient calls', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('builds no event when nobody listens, and delivers to a listener added mid-call', async () => {
    const { gateway, reads } = quietGateway();
    const iso = vi.spyOn(Date.prototype, 'toISOString');
    const quiet = await gateway.executeWithPatience({ ...req, operation: async () => 'a' });
    expect(quiet).toBe('a');
    // call start, arming the detector (no final state is built when the call ends): no timestamp
    // for events nobody receives
    expect(reads.now).toBe(2);
    expect(iso).not.toHaveBeenCalled();
    iso.mockRestore();
    const op = manualOperation<string>();
    const p = gateway.executeWithPatience({ ...req, operation: op.operation });
    const completes: unknown[] = [];
    const starts: unknown[] = [];
    gateway.on('request-start', (e) => starts.push(e));
    const sub = gateway.on('request-complete', (e) => completes.push(e));
    await vi.advanceTimersByTimeAsync(250);
    op.resolve('b');
    await expect(p).resolves.toBe('b');
    expect(starts).toEqual([]);
    expect(completes).toEqual([
      expect.objectContaining({ operationId: 'op_2', durationMs: 250, timestamp: expect.any(String) }),
    ]);
    sub.dispose();
    await expectNothingLeftRunning();
  });

  it('creates the signal on first read; the same signal every time; aborted with the reason after a cancel', async () => {
    const { gateway, events } = makeGateway();
    const op = manualOperation<string>();
    const p = gateway.executeWithPatience({ ...req, operation: op.operation });
    const first = op.ctx.signal;
    expect(op.ctx.signal).toBe(first);
    expect(first.aborted).toBe(false);
    const op2 = manualOperation<string>();
    const p2 = gateway.executeWithPatience({ ...req, jobId: 'job-2', operation: op2.operation });
    await gateway.applyStallOption('op_2', { option: 'cancel_job' });
    // op2 never read its signal before the cancel: it still gets an aborted one, with the reason
    expect(op2.ctx.signal.aborted).toBe(true);
    expect(op2.ctx.signal.reason).toMatchObject({ code: 'REELAY_ERR_CANCELED' });
    await expect(p2).rejects.toMatchObject({ code: 'REELAY_ERR_CANCELED' });
    op.resolve('ok');
    await expect(p).resolves.toBe('ok');
    expect(events.filter((e) => e.type === 'hard-error')).toEqual([]);
    await expectNothingLeftRunning();
  });

  it('does not start the operation when the caller signal is already aborted', async () => {
    const { gateway, ofType } = makeGateway();
    const ac = new AbortController();
    ac.abort(new Error('user left'));
    const operation = vi.fn(async (_ctx: ProviderCallContext) => 'never');
    await expect(gateway.executeWithPatience({ ...req, signal: ac.signal, operation })).rejects.toMatchObject(
      {
        code: 'REELAY_ERR_CANCELED',
      },
    );
    expect(operation).not.toHaveBeenCalled();
    expect(ofType('request-start')).toHaveLength(1);
    expect(ofType('hard-error')).toHaveLength(0);
    expect(gateway.getActiveOperations()).toEqual([]);
    await expectNothingLeftRunning();
  });

  it('rejects invalid requests instead of throwing synchronously', async () => {
    const { gateway } = makeGateway();
    let p: Promise<unknown> | undefined;
    expect(() => {
      p = gateway.executeWithPatience({ ...req, stage: ' ', operation: async () => 1 });
    }).not.toThrow();
    await expect(p).rejects.toMatchObject({ code: 'REELAY_ERR_VALIDATION' });
  });

  it('reports an operation that throws synchronously as a hard error and cleans up', async () => {
    const { gateway, ofType } = makeGateway();
    const p = gateway.executeWithPatience({
      ...req,
      operation: () => {
        throw new TypeError('sync boom');
      },
    });
    await expect(p).rejects.toThrow('sync boom');
    expect(ofType('hard-error')).toEqual([expect.objectContaining({ category: 'system_error', attempt: 1 })]);
    expect(gateway.getActiveOperations()).toEqual([]);
    await expectNothingLeftRunning();
  });
});
