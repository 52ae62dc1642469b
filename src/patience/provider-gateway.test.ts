import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReelayError } from '../domain/errors.js';
import { FallbackDecisionFactory } from './fallback-decision.js';
import { expectNothingLeftRunning, makeGateway, manualOperation } from './gateway-test-harness.js';
import { tokenCountStrategy } from './heartbeat-strategy.js';

const req = { jobId: 'job-1', providerName: 'Ollama', stage: 'script', correlationId: 'corr-1' } as const;

describe('ProviderGateway: locks', () => {
  it('creates a lock, emits lock-created and logs PROVIDER_LOCK_CREATED with the correlation id', () => {
    const { gateway, ofType, logger } = makeGateway();
    const lock = gateway.lockProvider('job-1', 'Ollama', 'local_llm', 'corr-1', { stages: ['script'] });
    expect(lock.toString()).toContain('Ollama (local_llm)');
    expect(ofType('lock-created')).toEqual([
      expect.objectContaining({ provider: 'Ollama', stages: ['script'] }),
    ]);
    expect(logger.records).toContainEqual(
      expect.objectContaining({ tag: 'PROVIDER_LOCK_CREATED', correlationId: 'corr-1' }),
    );
  });

  it('refuses a second lock for the same job', () => {
    const { gateway } = makeGateway();
    gateway.lockProvider('job-1', 'Ollama', 'local_llm', 'corr-1');
    expect(() => gateway.lockProvider('job-1', 'OpenAI', 'cloud_llm', 'corr-1')).toThrow(
      expect.objectContaining({ code: 'REELAY_ERR_LOCK_EXISTS' }),
    );
  });

  it('validates requests: match, mismatch naming both providers and the stage, no lock', () => {
    const { gateway } = makeGateway();
    expect(gateway.validateProviderRequest('job-1', 'OpenAI', 'script')).toEqual({ ok: true });
    gateway.lockProvider('job-1', 'Ollama', 'local_llm', 'corr-1');
    expect(gateway.validateProviderRequest('job-1', 'OLLAMA', 'script')).toEqual({ ok: true });
    const bad = gateway.validateProviderRequest('job-1', 'OpenAI', 'script');
    expect(bad).toMatchObject({ ok: false, message: expect.stringMatching(/Ollama.*script.*OpenAI/s) });
  });

  it('releases a lock once, with lock-released and PROVIDER_LOCK_RELEASED', () => {
    const { gateway, ofType, logger } = makeGateway();
    gateway.lockProvider('job-1', 'Ollama', 'local_llm', 'corr-1');
    expect(gateway.releaseProviderLock('job-1', 'job done')).toBe(true);
    expect(gateway.releaseProviderLock('job-1')).toBe(false);
    expect(ofType('lock-released')).toEqual([expect.objectContaining({ reason: 'job done' })]);
    expect(logger.records.filter((r) => r.tag === 'PROVIDER_LOCK_RELEASED')).toHaveLength(1);
  });
});

describe('ProviderGateway: executeWithPatience', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs a valid call, emits start and complete, and leaves nothing behind', async () => {
    const { gateway, events, logger } = makeGateway();
    gateway.lockProvider('job-1', 'Ollama', 'local_llm', 'corr-1');
    const op = manualOperation<string>();
    const p = gateway.executeWithPatience({ ...req, operation: op.operation });
    expect(gateway.getActiveOperations('job-1')).toHaveLength(1);
    expect(gateway.getProviderState('op_1')).toMatchObject({ providerName: 'Ollama', category: 'Normal' });
    await vi.advanceTimersByTimeAsync(1234);
    op.resolve('script text');
    await expect(p).resolves.toBe('script text');
    expect(events.map((e) => e.type)).toEqual(['lock-created', 'request-start', 'request-complete']);
    expect(events[2]).toMatchObject({ durationMs: 1234, operationId: 'op_1', providerType: 'local_llm' });
    expect(gateway.getProviderState('op_1')).toBeUndefined();
    await expectNothingLeftRunning();
    const tags = logger.records.map((r) => r.tag);
    expect(tags).toEqual(expect.arrayContaining(['PROVIDER_REQUEST_START', 'PROVIDER_REQUEST_COMPLETE']));
  });

  it('refuses the wrong provider with REELAY_ERR_LOCK_MISMATCH naming both and the stage', async () => {
    const { gateway, ofType } = makeGateway();
    gateway.lockProvider('job-1', 'Ollama', 'local_llm', 'corr-1');
    const operation = vi.fn(async () => 'x');
    const error = await gateway
      .executeWithPatience({ ...req, providerName: 'OpenAI', operation })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'REELAY_ERR_LOCK_MISMATCH', stage: 'script' });
    expect((error as Error).message).toMatch(/Ollama.*OpenAI/s);
    expect(operation).not.toHaveBeenCalled();
    expect(ofType('request-start')).toHaveLength(0);
  });

  it('reports a hard error with category and retryable from a ReelayError, else system_error', async () => {
    const { gateway, ofType, logger } = makeGateway();
    const failure = new ReelayError('REELAY_ERR_PROVIDER', 'rate limited', {
      category: 'rate_limit',
      retryable: true,
    });
    await expect(
      gateway.executeWithPatience({ ...req, operation: async () => Promise.reject(failure) }),
    ).rejects.toBe(failure);
    await expect(
      gateway.executeWithPatience({
        ...req,
        operation: () => {
          throw new TypeError('boom');
        },
      }),
    ).rejects.toThrow('boom');
    expect(ofType('hard-error').map((e) => [e.category, e.retryable])).toEqual([
      ['rate_limit', true],
      ['system_error', false],
    ]);
    expect(ofType('latency-category-changed').map((e) => e.to)).toEqual(['Error', 'Error']);
    // Level by severity: the retryable rate limit is a warning, the bug that cannot be retried an error.
    expect(logger.records.filter((r) => r.tag === 'PROVIDER_HARD_ERROR').map((r) => r.level)).toEqual([
      'warn',
      'error',
    ]);
    await expectNothingLeftRunning();
  });

  it('samples heartbeat events: a 1 000-token burst gives one event per interval', async () => {
    const { gateway, ofType } = makeGateway();
    const op = manualOperation<string>();
    const p = gateway.executeWithPatience({ ...req, heartbeatKind: 'token_count', operation: op.operation });
    for (let i = 1; i <= 1000; i++) op.ctx.heartbeat({ tokens: i });
    await vi.advanceTimersByTimeAsync(1000);
    op.ctx.heartbeat({ tokens: 1001 });
    expect(ofType('heartbeat')).toHaveLength(2);
    expect(gateway.getProviderState('op_1')!.heartbeatCount).toBe(1001);
    op.resolve('ok');
    await p;
  });

  it('polls a heartbeat strategy on the heartbeat interval and stops polling afterwards', async () => {
    const { gateway } = makeGateway();
    let tokens = 0;
    const poll = vi.fn(() => (tokens += 7));
    const op = manualOperation<string>();
    const p = gateway.executeWithPatience({
      ...req,
      heartbeatStrategy: tokenCountStrategy(poll),
      operation: op.operation,
    });
    await vi.advanceTimersByTimeAsync(14_999);
    expect(poll).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(poll).toHaveBeenCalledTimes(1);
    expect(gateway.getProviderState('op_1')!.lastProgressAt).toBe(Date.now());
    await vi.advanceTimersByTimeAsync(60_000);
    expect(gateway.getProviderState('op_1')!.category).toBe('Extended');
    op.resolve('done');
    await p;
    await expectNothingLeftRunning();
  });

  it('cancels through the caller signal with REELAY_ERR_CANCELED and reaches the operation', async () => {
    const { gateway, ofType } = makeGateway();
    const ac = new AbortController();
    const op = manualOperation<string>();
    const p = gateway.executeWithPatience({ ...req, operation: op.operation, signal: ac.signal });
    ac.abort(new Error('user closed the tab'));
    await expect(p).rejects.toMatchObject({ code: 'REELAY_ERR_CANCELED' });
    expect(op.ctx.signal.aborted).toBe(true);
    expect(ofType('hard-error')).toHaveLength(0);
    await expectNothingLeftRunning();
  });
});

describe('ProviderGateway: fallback decisions and statistics', () => {
  it('records a fallback decision, unlocks the job, and keeps the history', async () => {
    const { gateway, ofType, logger } = makeGateway();
    gateway.lockProvider('job-1', 'Ollama', 'local_llm', 'corr-1');
    const decision = new FallbackDecisionFactory().createUserRequested({
      jobId: 'job-1',
      fromProvider: 'Ollama',
      toProvider: 'OpenAI',
      elapsedBeforeSwitchMs: 1000,
      correlationId: 'corr-1',
    });
    await gateway.recordFallbackDecision(decision);
    expect(gateway.getLock('job-1')).toBeUndefined();
    expect(await gateway.getFallbackHistory('job-1')).toEqual([decision]);
    expect(ofType('fallback-decision')).toHaveLength(1);
    expect(logger.records).toContainEqual(expect.objectContaining({ tag: 'USER_FALLBACK_INITIATED' }));
    gateway.lockProvider('job-1', 'OpenAI', 'cloud_llm', 'corr-1');
  });

  it('refuses to record a switch away from a non-overrideable lock', async () => {
    const { gateway, audit } = makeGateway();
    gateway.lockProvider('job-1', 'Ollama', 'local_llm', 'corr-1', { overrideable: false });
    const decision = new FallbackDecisionFactory().createUserRequested({
      jobId: 'job-1',
      fromProvider: 'Ollama',
      toProvider: 'OpenAI',
      elapsedBeforeSwitchMs: 0,
      correlationId: 'corr-1',
    });
    await expect(gateway.recordFallbackDecision(decision)).rejects.toMatchObject({
      code: 'REELAY_ERR_CONFLICT',
    });
    expect(await audit.history('job-1')).toEqual([]);
    expect(gateway.getLock('job-1')?.providerName).toBe('Ollama');
  });

  it('switchProvider records the decision and moves the lock in one step (no duplicate-lock error)', async () => {
    const { gateway, events } = makeGateway();
    gateway.lockProvider('job-1', 'Ollama', 'local_llm', 'corr-1', { stages: ['script', 'refine'] });
    const { decision, lock } = await gateway.switchProvider({
      jobId: 'job-1',
      toProvider: 'OpenAI',
      reason: 'USER_REQUEST',
    });
    expect(decision).toMatchObject({
      fromProvider: 'Ollama',
      toProvider: 'OpenAI',
      userConfirmed: true,
      stages: ['script', 'refine'],
    });
    expect(lock).toMatchObject({
      providerName: 'OpenAI',
      providerType: 'cloud_llm',
      correlationId: 'corr-1',
    });
    expect(gateway.getLock('job-1')).toBe(lock);
    expect(gateway.validateProviderRequest('job-1', 'OpenAI', 'script')).toEqual({ ok: true });
    expect(events.map((e) => e.type)).toEqual([
      'lock-created',
      'lock-released',
      'lock-created',
      'fallback-decision',
    ]);
  });

  it('returns an empty history and counts statistics by reason', async () => {
    const { gateway } = makeGateway();
    expect(await gateway.getFallbackHistory('nobody')).toEqual([]);
    gateway.lockProvider('job-1', 'Ollama', 'local_llm', 'corr-1');
    gateway.lockProvider('job-2', 'Ollama', 'local_llm', 'corr-2');
    await gateway.switchProvider({ jobId: 'job-1', toProvider: 'OpenAI', reason: 'USER_REQUEST' });
    await gateway.switchProvider({
      jobId: 'job-2',
      toProvider: 'OpenAI',
      reason: 'PROVIDER_FATAL_ERROR',
      errorCategory: 'authentication',
    });
    await gateway.switchProvider({ jobId: 'job-2', toProvider: 'RuleBased', reason: 'AUTO_AFTER_ERROR' });
    expect(await gateway.getStatistics()).toEqual({
      activeLocks: 2,
      activeOperations: 0,
      pendingDecisions: 0,
      totalFallbackDecisions: 3,
      userRequestedFallbacks: 1,
      errorTriggeredFallbacks: 2,
      byReason: { USER_REQUEST: 1, PROVIDER_FATAL_ERROR: 1, AUTO_AFTER_ERROR: 1 },
    });
  });
});
