import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { expectNothingLeftRunning, makeGateway, manualOperation } from './gateway-test-harness.js';
import { ProviderSwitchRequestedError } from './provider-switch-error.js';
import type { StallContext, StallHandler } from './stall-handlers.js';

// OpenAI → cloud_llm (balanced): normal 15 000, stall threshold 5 000 × 4 = 20 000 ms
const call = {
  jobId: 'job-1',
  providerName: 'OpenAI',
  stage: 'script',
  correlationId: 'corr-1',
  heartbeatKind: 'token_count',
} as const;
const tick = (ms: number) => vi.advanceTimersByTimeAsync(ms);
const alternatives = () => [{ provider: 'Ollama', score: 80, reasons: ['healthy', 'local'] }];

describe('ProviderGateway: stalls and decisions', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('ask: emits decision-required with options and alternatives, and waits for the answer', async () => {
    const { gateway, ofType, logger } = makeGateway({ alternatives });
    const op = manualOperation<string>();
    const p = gateway.executeWithPatience({ ...call, fallbackPolicy: 'ask', operation: op.operation });
    await tick(19_999);
    expect(ofType('decision-required')).toHaveLength(0);
    await tick(1);
    expect(ofType('stall-suspected')).toHaveLength(1);
    expect(logger.records).toContainEqual(
      expect.objectContaining({ tag: 'PROVIDER_STALL_SUSPECTED', correlationId: 'corr-1' }),
    );
    expect(ofType('decision-required')).toEqual([
      expect.objectContaining({
        trigger: 'stall',
        provider: 'OpenAI',
        stage: 'script',
        options: ['continue_30s', 'continue_5m', 'try_alternative', 'cancel_job'],
        alternatives: alternatives(),
      }),
    ]);
    expect(gateway.getPendingDecision('job-1')).toMatchObject({
      decisionId: 'decision_1',
      operationId: 'op_1',
    });
    await tick(600_000);
    expect(op.ctx.signal.aborted).toBe(false);
    expect(ofType('stall-suspected')).toHaveLength(1);
    op.resolve('late but fine');
    await expect(p).resolves.toBe('late but fine');
    expect(gateway.getPendingDecision('job-1')).toBeUndefined();
    await expectNothingLeftRunning();
  });

  it('continue_30s suppresses stall reports for exactly 30 000 ms', async () => {
    const { gateway, ofType } = makeGateway({ alternatives });
    const op = manualOperation<string>();
    const p = gateway.executeWithPatience({ ...call, fallbackPolicy: 'ask', operation: op.operation });
    await tick(20_000);
    gateway.answerDecision('job-1', { option: 'continue_30s' });
    await tick(0);
    expect(ofType('decision-answered')).toEqual([
      expect.objectContaining({ option: 'continue_30s', decisionId: 'decision_1' }),
    ]);
    expect(gateway.getProviderState('op_1')!.category).toBe('Extended');
    await tick(29_999);
    expect(ofType('stall-suspected')).toHaveLength(1);
    await tick(1);
    expect(ofType('stall-suspected')).toHaveLength(2);
    expect(ofType('decision-required')).toHaveLength(2);
    op.resolve('ok');
    await p;
  });

  it('continue_5m applied directly suppresses for 300 000 ms and announces the answer', async () => {
    const { gateway, ofType } = makeGateway();
    const op = manualOperation<string>();
    const p = gateway.executeWithPatience({ ...call, operation: op.operation });
    await tick(20_000);
    expect(await gateway.applyStallOption('op_1', { option: 'continue_5m' })).toBe(true);
    expect(ofType('decision-answered')).toHaveLength(1);
    await tick(299_999);
    expect(ofType('stall-suspected')).toHaveLength(1);
    await tick(1);
    expect(ofType('stall-suspected')).toHaveLength(2);
    op.resolve('ok');
    await p;
  });

  it('try_alternative aborts the running call and tells the caller the next provider', async () => {
    const { gateway, audit, ofType } = makeGateway({ alternatives });
    gateway.lockProvider('job-1', 'OpenAI', 'cloud_llm', 'corr-1', { stages: ['script'] });
    const op = manualOperation<string>();
    const p = gateway.executeWithPatience({ ...call, fallbackPolicy: 'ask', operation: op.operation });
    const settled = p.catch((e: unknown) => e);
    await tick(25_000);
    gateway.answerDecision('job-1', { option: 'try_alternative', provider: 'Ollama' });
    const error = await settled;
    expect(ProviderSwitchRequestedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      nextProvider: 'Ollama',
      nextProviderType: 'local_llm',
      fromProvider: 'OpenAI',
    });
    expect((error as ProviderSwitchRequestedError).details.nextProvider).toBe('Ollama');
    expect(op.ctx.signal.aborted).toBe(true);
    expect(op.ctx.signal.reason).toBe(error);
    const [decision] = await audit.history('job-1');
    expect(decision).toMatchObject({
      reason: 'USER_AFTER_STALL',
      userConfirmed: true,
      elapsedBeforeSwitchMs: 25_000,
      toProvider: 'Ollama',
    });
    expect(gateway.getLock('job-1')).toMatchObject({ providerName: 'Ollama', stages: ['script'] });
    expect(ofType('hard-error')).toHaveLength(0);
    await expectNothingLeftRunning();
  });

  it('cancel_job aborts with REELAY_ERR_CANCELED and releases the lock', async () => {
    const { gateway, ofType } = makeGateway();
    gateway.lockProvider('job-1', 'OpenAI', 'cloud_llm', 'corr-1');
    const op = manualOperation<string>();
    const p = gateway.executeWithPatience({ ...call, fallbackPolicy: 'ask', operation: op.operation });
    const settled = p.catch((e: unknown) => e);
    await tick(20_000);
    gateway.answerDecision('job-1', { option: 'cancel_job' });
    expect(await settled).toMatchObject({ code: 'REELAY_ERR_CANCELED', provider: 'OpenAI', stage: 'script' });
    expect(gateway.getLock('job-1')).toBeUndefined();
    expect(ofType('lock-released')).toHaveLength(1);
  });

  it('off: fails the call with REELAY_ERR_STALLED naming provider, stage, time and what to do', async () => {
    const { gateway, ofType } = makeGateway();
    const op = manualOperation<string>();
    const settled = gateway
      .executeWithPatience({ ...call, fallbackPolicy: 'off', operation: op.operation })
      .catch((e: unknown) => e);
    await tick(19_999);
    expect(op.ctx.signal.aborted).toBe(false);
    await tick(1);
    const error = (await settled) as Error;
    expect(error).toMatchObject({
      code: 'REELAY_ERR_STALLED',
      provider: 'OpenAI',
      stage: 'script',
      category: 'timeout',
    });
    expect(error.message).toContain('OpenAI made no progress on stage "script" for 20 s');
    expect(error.message).toMatch(/Retry later, choose another provider/);
    expect(ofType('hard-error')).toEqual([expect.objectContaining({ category: 'timeout' })]);
    expect(ofType('decision-required')).toHaveLength(0);
    await expectNothingLeftRunning();
  });

  it('without a policy, a stall is only reported; the call goes on', async () => {
    const { gateway, ofType } = makeGateway();
    const op = manualOperation<string>();
    const p = gateway.executeWithPatience({ ...call, operation: op.operation });
    await tick(60_000);
    expect(ofType('stall-suspected')).toHaveLength(1);
    expect(ofType('decision-required')).toHaveLength(0);
    op.ctx.heartbeat({ tokens: 1 });
    expect(ofType('stall-cleared')).toHaveLength(1);
    op.resolve('ok');
    await expect(p).resolves.toBe('ok');
  });

  it('a slow provider that keeps heartbeating past deepWait is never reported stalled', async () => {
    const { gateway, ofType } = makeGateway();
    const op = manualOperation<string>();
    const p = gateway.executeWithPatience({ ...call, fallbackPolicy: 'ask', operation: op.operation });
    for (let i = 1; i <= 30; i++) {
      await tick(10_000);
      op.ctx.heartbeat({ tokens: i * 10 });
    }
    expect(ofType('latency-category-changed').map((e) => e.to)).toEqual(['Extended', 'DeepWait']);
    expect(ofType('stall-suspected')).toHaveLength(0);
    op.resolve('long answer');
    await expect(p).resolves.toBe('long answer');
  });

  it('plugs a custom handler (the future auto policy) through the StallHandler interface', async () => {
    const seen: StallContext[] = [];
    const auto: StallHandler = { onStall: (ctx) => void seen.push(ctx) };
    const { gateway } = makeGateway({ stallHandlers: { auto } });
    const op = manualOperation<string>();
    const p = gateway.executeWithPatience({ ...call, fallbackPolicy: 'auto', operation: op.operation });
    await tick(20_000);
    expect(seen).toEqual([
      expect.objectContaining({
        jobId: 'job-1',
        operationId: 'op_1',
        provider: 'OpenAI',
        providerType: 'cloud_llm',
        elapsedMs: 20_000,
      }),
    ]);
    op.resolve('ok');
    await p;
  });

  it('validates answers: nothing pending → conflict; try_alternative without a provider → validation', async () => {
    const { gateway } = makeGateway();
    expect(() => gateway.answerDecision('job-1', { option: 'continue_30s' })).toThrow(
      expect.objectContaining({ code: 'REELAY_ERR_CONFLICT' }),
    );
    gateway.requestDecision({
      jobId: 'job-1',
      stage: 'script',
      provider: 'OpenAI',
      trigger: 'error',
      alternatives: [],
    });
    expect(() => gateway.answerDecision('job-1', { option: 'try_alternative' })).toThrow(
      expect.objectContaining({ code: 'REELAY_ERR_VALIDATION' }),
    );
    expect(() => gateway.answerDecision('job-1', { option: 'continue_30s', decisionId: 'other' })).toThrow(
      expect.objectContaining({ code: 'REELAY_ERR_CONFLICT' }),
    );
  });

  it('an error-triggered decision resolves with the answer for the caller to act on', async () => {
    const { gateway, ofType } = makeGateway();
    const handle = gateway.requestDecision({
      jobId: 'job-1',
      stage: 'narration',
      provider: 'ElevenLabs',
      trigger: 'error',
      error: {
        code: 'REELAY_ERR_PROVIDER',
        message: 'quota exceeded',
        retryable: false,
        category: 'quota_exceeded',
      },
      alternatives: [{ provider: 'espeak', score: 60, reasons: ['offline'] }],
    });
    expect(ofType('decision-required')[0]).toMatchObject({
      trigger: 'error',
      error: { category: 'quota_exceeded' },
    });
    gateway.answerDecision('job-1', { option: 'try_alternative', provider: 'espeak' });
    await expect(handle.answer).resolves.toMatchObject({
      option: 'try_alternative',
      provider: 'espeak',
      source: 'user',
    });
  });

  it('applies the timeout option when nobody answers in time', async () => {
    const { gateway } = makeGateway({ decisionTimeoutMs: 60_000 });
    gateway.lockProvider('job-1', 'OpenAI', 'cloud_llm', 'corr-1');
    const op = manualOperation<string>();
    const settled = gateway
      .executeWithPatience({ ...call, fallbackPolicy: 'ask', operation: op.operation })
      .catch((e: unknown) => e);
    await tick(20_000 + 59_999);
    expect(op.ctx.signal.aborted).toBe(false);
    await tick(1);
    expect(await settled).toMatchObject({ code: 'REELAY_ERR_CANCELED' });
    await expectNothingLeftRunning();
  });

  it('joins a second request about the same provider and refuses one about another', () => {
    const { gateway, ofType } = makeGateway();
    const base = { jobId: 'job-1', stage: 'script', trigger: 'stall' as const, alternatives: [] };
    const first = gateway.requestDecision({ ...base, provider: 'OpenAI' });
    expect(gateway.requestDecision({ ...base, provider: 'openai' })).toBe(first);
    expect(() => gateway.requestDecision({ ...base, provider: 'Ollama' })).toThrow(
      expect.objectContaining({ code: 'REELAY_ERR_CONFLICT' }),
    );
    expect(ofType('decision-required')).toHaveLength(1);
  });
});
