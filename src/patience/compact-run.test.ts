import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_TIMEOUT_PROFILES } from '../config/timeout-profile-defaults.js';
import { ProviderTimeoutProfileLoader } from '../config/timeout-profile-loader.js';
import { type CallContext, type CallSettler, createCallContext } from '../domain/call-context.js';
import { systemClock } from '../domain/clock.js';
import type { HeartbeatKind } from '../domain/heartbeat.js';
import { makeGateway, manualOperation } from './gateway-test-harness.js';
import { MonitoredOperation } from './monitored-operation.js';

const req = { jobId: 'job-1', providerName: 'Ollama', stage: 'script', correlationId: 'corr-1' } as const;
const profiles = new ProviderTimeoutProfileLoader({ config: DEFAULT_TIMEOUT_PROFILES });

/** A settler that records the start time it is handed back. */
function recordingSettler(seen: number[]): CallSettler {
  return {
    callSucceeded: (value, _fn, _ctx, startedAt) => {
      seen.push(startedAt);
      return value;
    },
    callFailed: (error, _fn, _ctx, startedAt) => {
      seen.push(startedAt);
      return Promise.reject(error);
    },
  };
}

describe('compact patient runs: what is packed or kept aside reads back unchanged', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_750_000_000_123 }));
  afterEach(() => vi.useRealTimers());

  it('a call outside the pipeline keeps its own attempt, signal and policy', async () => {
    const { gateway, ofType } = makeGateway();
    const ac = new AbortController();
    const op = manualOperation<string>();
    const p = gateway.executeWithPatience({
      ...req,
      heartbeatKind: 'token_count',
      attempt: 3,
      fallbackPolicy: 'off',
      signal: ac.signal,
      operation: op.operation,
    });
    expect(ofType('request-start')[0]).toMatchObject({ attempt: 3 });
    const state = gateway.getActiveOperations()[0];
    expect(state).toMatchObject({
      startedAt: 1_750_000_000_123,
      providerType: 'local_llm',
      heartbeatKind: 'token_count',
      category: 'Normal',
      stallEpisodes: 0,
      suppressedUntil: 0,
    });
    ac.abort('stop');
    await expect(p).rejects.toMatchObject({ code: 'REELAY_ERR_CANCELED' });
    expect(gateway.getActiveOperations()).toEqual([]);
  });

  it('a pipeline call reads attempt and policy from its context; a far settler start comes back exact', async () => {
    const { gateway, ofType } = makeGateway();
    const ctx: CallContext = {
      ...createCallContext(
        { jobId: req.jobId, stage: req.stage, provider: req.providerName, correlationId: req.correlationId },
        { signal: new AbortController().signal, clock: systemClock, profile: { fallbackPolicy: 'ask' } },
      ),
      attempt: 2,
    };
    const seen: number[] = [];
    const now = Date.now();
    for (const at of [now, now - 5, now - 10_000_000, now + 0.5]) {
      const result = await gateway.executeSettled(
        {
          ...req,
          attempt: 2,
          signal: ctx.signal,
          fallbackPolicy: 'ask',
          context: ctx,
          operation: async () => 'ok',
        },
        recordingSettler(seen),
        at,
      );
      expect(result).toBe('ok');
    }
    expect(seen).toEqual([now, now - 5, now - 10_000_000, now + 0.5]);
    expect(ofType('request-start').map((e) => e.attempt)).toEqual([2, 2, 2, 2]);
  });

  it('stall episodes, suppression and an unknown heartbeat kind live aside and read back', () => {
    const profile = profiles.getProfileForType('local_llm');
    const input = { operationId: 'op_x', ...req, providerType: 'cloud_llm' as const, profile };
    const entry = new MonitoredOperation(
      { ...input, heartbeatKind: 'smoke_signals' as HeartbeatKind },
      1_750_000_000_000.25,
    );
    expect(entry.providerType).toBe('cloud_llm');
    expect(entry.heartbeatKind).toBe('smoke_signals');
    expect(entry.startedAt).toBe(1_750_000_000_000.25);
    const stalled = entry.startedAt + profile.deepWaitMs + profile.stallThresholdMs;
    expect(entry.evaluate(stalled)).toMatchObject({ to: 'StallSuspected', stallStarted: true });
    expect(entry.inStall).toBe(true);
    entry.suppressedUntil = stalled + 1000;
    expect(entry.evaluate(stalled + 1)).toMatchObject({ to: 'DeepWait', stallEndedAfterMs: 1 });
    expect(entry.snapshot(stalled + 1)).toMatchObject({
      stallEpisodes: 1,
      suppressedUntil: stalled + 1000,
      category: 'DeepWait',
    });
    entry.failed = true;
    expect(entry.categoryAt(stalled + 2)).toBe('Error');
  });
});
