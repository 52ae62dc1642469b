import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../domain/logger.js';
import type { DecisionAnswer } from '../patience/decision-broker.js';
import type { StallContext } from '../patience/stall-handlers.js';
import {
  askPolicy,
  type CallFailure,
  createAutoPolicy,
  degradePolicy,
  offPolicy,
} from './fallback-policies.js';
import { catalogOf, fakeProvider } from './test-providers.js';

const answer = (option: DecisionAnswer['option'], provider?: string): DecisionAnswer => ({
  decisionId: 'decision_1',
  jobId: 'job_1',
  option,
  ...(provider ? { provider } : {}),
  source: 'user',
  answeredAt: '2026-05-01T09:00:00.000Z',
});

function failure(overrides: Partial<CallFailure> = {}): CallFailure {
  return {
    call: { jobId: 'job_1', stage: 'narration', provider: 'eleven', correlationId: 'corr_1' },
    error: new Error('boom'),
    category: 'api_failure',
    next: 'switch',
    circuitOpen: false,
    alternatives: [{ provider: 'espeak', score: 71.6, reasons: ['healthy'] }],
    degradations: ['captions-only'],
    switches: 0,
    maxSwitches: 3,
    attempts: [],
    askPerson: async () => answer('continue_30s'),
    ...overrides,
  };
}

function stall(overrides: Partial<StallContext> = {}): StallContext {
  return {
    jobId: 'job_1',
    operationId: 'op_1',
    provider: 'eleven',
    providerType: 'tts',
    stage: 'narration',
    elapsedMs: 20_000,
    sinceProgressMs: 20_000,
    correlationId: 'corr_1',
    alternatives: async () => [
      { provider: 'captions-only', score: 90, reasons: [] },
      { provider: 'espeak', score: 64.4, reasons: [] },
    ],
    askPerson: async () => answer('try_alternative', 'espeak'),
    logger: new MemoryLogger(),
    ...overrides,
  };
}

const catalog = catalogOf([fakeProvider('espeak'), fakeProvider('captions-only')]);
const auto = createAutoPolicy({ catalog, neverAutoSelect: ['captions-only'] });

describe('off', () => {
  it('stops on a failure and stops a stalled call with REELAY_ERR_STALLED', async () => {
    expect(await offPolicy.onFailure(failure())).toEqual({ action: 'stop', why: 'policy-off' });
    const decision = await offPolicy.onStall(stall());
    expect(decision).toMatchObject({
      action: 'stop',
      error: { code: 'REELAY_ERR_STALLED', category: 'timeout' },
    });
  });
});

describe('ask', () => {
  it('maps each answer to one decision: switch (user confirmed), degradation, retry, stop', async () => {
    const choose = (a: DecisionAnswer) => askPolicy.onFailure(failure({ askPerson: async () => a }));
    expect(await choose(answer('try_alternative', 'espeak'))).toMatchObject({
      action: 'switch',
      to: 'espeak',
      reason: 'PROVIDER_FATAL_ERROR',
      userConfirmed: true,
    });
    expect(await choose(answer('try_alternative', 'captions-only'))).toMatchObject({ reason: 'DEGRADED' });
    expect(await choose(answer('continue_5m'))).toEqual({ action: 'retry' });
    expect(await choose(answer('cancel_job'))).toEqual({ action: 'stop', why: 'canceled-by-user' });
  });

  it('offers the alternatives, then the degradations', async () => {
    let offered: readonly { provider: string }[] = [];
    await askPolicy.onFailure(
      failure({
        askPerson: async (options) => {
          offered = options;
          return answer('cancel_job');
        },
      }),
    );
    expect(offered.map((o) => o.provider)).toEqual(['espeak', 'captions-only']);
  });

  it('on a stall returns the answer as a decision carrying its id (applied once for joined calls)', async () => {
    expect(await askPolicy.onStall(stall())).toEqual({
      action: 'switch',
      to: 'espeak',
      decisionId: 'decision_1',
    });
    const withdrawn = stall({ askPerson: () => Promise.reject(new Error('withdrawn')) });
    expect(await askPolicy.onStall(withdrawn)).toEqual({ action: 'wait' });
  });
});

describe('auto', () => {
  it('switches to the best alternative; AUTO_CIRCUIT_OPEN when the breaker refused', async () => {
    expect(await auto.onFailure(failure())).toEqual({
      action: 'switch',
      to: 'espeak',
      reason: 'AUTO_AFTER_ERROR',
      context: 'score 72: healthy',
      userConfirmed: false,
    });
    expect(await auto.onFailure(failure({ circuitOpen: true }))).toMatchObject({
      reason: 'AUTO_CIRCUIT_OPEN',
    });
  });

  it('degrades when recovery says so or nothing else is left; stops at the switch limit or with nothing', async () => {
    expect(await auto.onFailure(failure({ next: 'degrade' }))).toMatchObject({
      to: 'captions-only',
      reason: 'DEGRADED',
      degrade: true,
      context: 'quality reduced to finish: CAPTIONS-ONLY',
    });
    expect(await auto.onFailure(failure({ alternatives: [] }))).toMatchObject({
      to: 'captions-only',
      degrade: true,
    });
    expect(await auto.onFailure(failure({ switches: 3 }))).toEqual({ action: 'stop', why: 'switch-limit' });
    expect(await auto.onFailure(failure({ alternatives: [], degradations: [] }))).toEqual({
      action: 'stop',
      why: 'no-alternative',
    });
  });

  it('on a stall switches to the best alternative that is not a degradation, or waits', async () => {
    expect(await auto.onStall(stall())).toMatchObject({
      action: 'switch',
      to: 'espeak',
      automatic: { context: 'no progress for 20 s; espeak scored 64/100', toProviderType: 'tts' },
    });
    expect(await auto.onStall(stall({ alternatives: async () => [] }))).toEqual({ action: 'wait' });
  });
});

describe('degrade', () => {
  it('takes the next degradation, or stops; never acts on a stall', async () => {
    expect(await degradePolicy.onFailure(failure())).toMatchObject({ action: 'switch', to: 'captions-only' });
    expect(await degradePolicy.onFailure(failure({ degradations: [] }))).toEqual({
      action: 'stop',
      why: 'no-alternative',
    });
    expect(await degradePolicy.onStall(stall())).toEqual({ action: 'wait' });
  });
});
