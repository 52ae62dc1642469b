import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReelayError } from '../domain/errors.js';
import type { AttemptRecord } from '../domain/events.js';
import { ErrorRecoveryEngine } from './error-recovery-engine.js';
import { RecoveryExhaustedError } from './recovery-exhausted-error.js';

const fail = (category: ReelayError['category'], retryable = true, retryAfterMs?: number): ReelayError =>
  new ReelayError('REELAY_ERR_PROVIDER', `${category} failure`, {
    category,
    retryable,
    provider: 'p',
    retryAfterMs,
  });

describe('ErrorRecoveryEngine.decide', () => {
  const engine = new ErrorRecoveryEngine({ jitter: 0 });

  it.each([
    ['transient', 3, [1000, 2000, 4000], 'switch'],
    ['rate_limit', 2, [60_000, 120_000], 'switch'],
    ['api_failure', 2, [2000, 4000], 'switch'],
    ['quality_failure', 2, [5000, 5000], 'switch'],
    ['timeout', 1, [3000], 'switch'],
    ['authentication', 0, [], 'switch'],
    ['provider_overload', 0, [], 'switch'],
    ['system_error', 1, [5000], 'degrade'],
    ['network_error', 3, [1000, 2000, 4000], 'switch'],
    ['quota_exceeded', 0, [], 'switch'],
    ['processing_error', 1, [2000], 'switch'],
  ] as const)('%s: %i retries with delays %j, then %s', (category, retries, expected, then) => {
    const error = fail(category);
    const delays: number[] = [];
    for (let attempt = 1; attempt <= retries; attempt++) {
      const decision = engine.decide(error, attempt);
      expect(decision).toMatchObject({ action: 'retry', attempt: attempt + 1 });
      if (decision.action === 'retry') delays.push(decision.delayMs);
    }
    expect(delays).toEqual(expected);
    expect(engine.decide(error, retries + 1)).toEqual({ action: then, category });
  });

  it('never retries a non-retryable error on the same provider', () => {
    expect(engine.decide(fail('network_error', false), 1)).toEqual({
      action: 'switch',
      category: 'network_error',
    });
    expect(engine.decide(fail('system_error', false), 1)).toEqual({
      action: 'degrade',
      category: 'system_error',
    });
  });

  it("uses the provider's Retry-After instead of the backoff, capped", () => {
    expect(engine.decide(fail('rate_limit', true, 7000), 1)).toMatchObject({
      action: 'retry',
      delayMs: 7000,
    });
    const capped = new ErrorRecoveryEngine({ maxRetryAfterMs: 10_000 });
    expect(capped.decide(fail('rate_limit', true, 90_000), 1)).toMatchObject({ delayMs: 10_000 });
    expect(new ErrorRecoveryEngine().decide(fail('rate_limit', true, 900_000), 1)).toMatchObject({
      delayMs: 300_000,
    });
  });

  it('applies jitter from the injected random and strategy overrides', () => {
    const custom = new ErrorRecoveryEngine({
      random: () => 0.5,
      strategies: { timeout: { maxRetries: 2, baseMs: 100 } },
    });
    expect(custom.decide(fail('timeout'), 1)).toMatchObject({ action: 'retry', delayMs: 105 });
    expect(custom.decide(fail('timeout'), 2)).toMatchObject({ action: 'retry', delayMs: 105 });
    expect(custom.decide(fail('timeout'), 3)).toMatchObject({ action: 'switch' });
  });

  it('treats an error without a category as a system error', () => {
    expect(engine.decide(new ReelayError('REELAY_ERR_INTERNAL', 'x', { retryable: true }), 2)).toEqual({
      action: 'degrade',
      category: 'system_error',
    });
  });
});

describe('ErrorRecoveryEngine.execute', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2025-01-01T00:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('retries on the clock: not at 999 ms, exactly at 1 000 ms', async () => {
    const engine = new ErrorRecoveryEngine({ jitter: 0 });
    const calls: number[] = [];
    const fn = vi.fn(async (attempt: number) => {
      calls.push(attempt);
      if (attempt === 1) throw fail('network_error');
      return 'ok';
    });
    const result = engine.execute(fn, { provider: 'p' });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([1]);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual([1, 2]);
    await expect(result).resolves.toBe('ok');
  });

  it('reports failed attempts and scheduled retries, then throws RecoveryExhaustedError with all attempts', async () => {
    const engine = new ErrorRecoveryEngine({ jitter: 0 });
    const failed: AttemptRecord[] = [];
    const scheduled: Array<{ attempt: number; delayMs: number }> = [];
    const fn = vi.fn(async () => {
      throw fail('api_failure');
    });
    const result = engine.execute(fn, {
      provider: 'p',
      onAttemptFailed: (record) => failed.push(record),
      onRetryScheduled: ({ attempt, delayMs }) => scheduled.push({ attempt, delayMs }),
    });
    const settled = result.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1999);
    expect(fn).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fn).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(3999);
    expect(fn).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(fn).toHaveBeenCalledTimes(3);
    const error = await settled;
    expect(RecoveryExhaustedError.isInstance(error)).toBe(true);
    const exhausted = error as RecoveryExhaustedError;
    expect(exhausted.code).toBe('REELAY_ERR_STAGE_FAILED');
    expect(exhausted.next).toBe('switch');
    expect(exhausted.category).toBe('api_failure');
    expect(exhausted.cause).toBe(exhausted.lastError);
    expect(exhausted.message).toMatch(/^p failed after 3 attempts; an alternative provider is needed/);
    expect(exhausted.attempts.map((a) => [a.attempt, a.delayMs, a.timestamp])).toEqual([
      [1, 2000, '2025-01-01T00:00:00.000Z'],
      [2, 4000, '2025-01-01T00:00:02.000Z'],
      [3, 0, '2025-01-01T00:00:06.000Z'],
    ]);
    expect(failed).toEqual(exhausted.attempts);
    expect(scheduled).toEqual([
      { attempt: 2, delayMs: 2000 },
      { attempt: 3, delayMs: 4000 },
    ]);
    expect(exhausted.toJSON()).toMatchObject({ details: { next: 'switch' } });
  });

  it('classifies plain thrown errors and fails fast on non-retryable ones', async () => {
    const engine = new ErrorRecoveryEngine();
    const fn = vi.fn(async () => {
      throw fail('authentication', false);
    });
    const error = await engine.execute(fn, { provider: 'p' }).catch((e: unknown) => e);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(error).toBeInstanceOf(RecoveryExhaustedError);
    expect((error as RecoveryExhaustedError).attempts).toHaveLength(1);
    expect((error as RecoveryExhaustedError).next).toBe('switch');
  });

  it('an abort during the wait stops retrying and rejects with the reason', async () => {
    const engine = new ErrorRecoveryEngine({ jitter: 0 });
    const controller = new AbortController();
    const fn = vi.fn(async () => {
      throw fail('timeout');
    });
    const settled = engine.execute(fn, { provider: 'p', signal: controller.signal }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1000);
    const reason = new Error('user canceled');
    controller.abort(reason);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await settled).toBe(reason);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('an abort during the call is rethrown as-is, not retried', async () => {
    const engine = new ErrorRecoveryEngine();
    const controller = new AbortController();
    const thrown = new DOMException('aborted', 'AbortError');
    const fn = vi.fn(async (_attempt: number, signal: AbortSignal) => {
      controller.abort();
      expect(signal.aborted).toBe(true);
      throw thrown;
    });
    await expect(engine.execute(fn, { provider: 'p', signal: controller.signal })).rejects.toBe(thrown);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('does not start when the signal is already aborted', async () => {
    const engine = new ErrorRecoveryEngine();
    const fn = vi.fn(async () => 'x');
    await expect(
      engine.execute(fn, { provider: 'p', signal: AbortSignal.abort(new Error('gone')) }),
    ).rejects.toThrow('gone');
    expect(fn).not.toHaveBeenCalled();
  });

  it("waits for a provider's Retry-After", async () => {
    const engine = new ErrorRecoveryEngine();
    let attempt = 0;
    const fn = vi.fn(async () => {
      attempt++;
      if (attempt === 1) throw fail('rate_limit', true, 1500);
      return attempt;
    });
    const result = engine.execute(fn, { provider: 'p' });
    await vi.advanceTimersByTimeAsync(1499);
    expect(fn).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toBe(2);
  });
});
