import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { makeGateway, manualOperation } from './gateway-test-harness.js';

const req = { jobId: 'job-1', providerName: 'Ollama', stage: 'script', correlationId: 'corr-1' } as const;

describe('ProviderGateway: many calls on one caller signal', () => {
  it('hears the signal through one listener, and cancels every running call when it aborts', async () => {
    const { gateway, ofType } = makeGateway();
    const caller = new AbortController();
    const ops = Array.from({ length: 30 }, () => manualOperation<string>());
    const calls = ops.map((op) =>
      gateway.executeWithPatience({ ...req, signal: caller.signal, operation: op.operation }),
    );
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(1);
    // A call that ends is no longer told about the abort.
    ops[0]?.resolve('done');
    await expect(calls[0]).resolves.toBe('done');
    caller.abort(new Error('user left'));
    const rest = await Promise.allSettled(calls.slice(1));
    expect(rest.every((r) => r.status === 'rejected')).toBe(true);
    expect(rest.map((r) => (r.status === 'rejected' ? (r.reason as { code?: string }).code : ''))).toEqual(
      Array(29).fill('REELAY_ERR_CANCELED'),
    );
    expect(ops.slice(1).every((op) => op.ctx.signal.aborted)).toBe(true);
    expect(ops[0]?.ctx.signal.aborted).toBe(false);
    expect(ofType('hard-error')).toEqual([]);
    expect(gateway.getActiveOperations()).toEqual([]);
  });

  it('rejects at once, without starting the operation, when the shared signal is already aborted', async () => {
    const { gateway } = makeGateway();
    const caller = new AbortController();
    caller.abort('gone');
    let started = 0;
    const operation = async (): Promise<string> => {
      started++;
      return 'never';
    };
    await expect(
      gateway.executeWithPatience({ ...req, signal: caller.signal, operation }),
    ).rejects.toMatchObject({ code: 'REELAY_ERR_CANCELED' });
    expect(started).toBe(0);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });
});
