import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReelayError } from '../domain/errors.js';
import { PrimaryProviderLock, type PrimaryProviderLockOptions } from './primary-provider-lock.js';

const base: PrimaryProviderLockOptions = {
  jobId: 'job-12345',
  providerName: 'Ollama',
  providerType: 'local_llm',
  correlationId: 'corr-67890',
  stages: ['script-generation', 'refinement'],
};

describe('PrimaryProviderLock', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('is constructed active with the given fields and the clock time', () => {
    const lock = new PrimaryProviderLock(base);
    expect(lock).toMatchObject({
      jobId: 'job-12345',
      providerName: 'Ollama',
      overrideable: true,
      isActive: true,
    });
    expect(lock.lockedAt).toBe(Date.parse('2026-01-01T00:00:00Z'));
  });

  it.each(['jobId', 'providerName', 'providerType', 'correlationId'] as const)(
    'refuses an empty %s',
    (field) => {
      const make = () => new PrimaryProviderLock({ ...base, [field]: '  ' });
      expect(make).toThrow(ReelayError);
      expect(make).toThrow(`${field} must not be empty`);
    },
  );

  it('unlocks when overrideable, once', () => {
    const lock = new PrimaryProviderLock(base);
    expect(lock.tryUnlock('user switched')).toBe(true);
    expect(lock.isActive).toBe(false);
    expect(lock.unlockReason).toBe('user switched');
    expect(lock.tryUnlock('again')).toBe(false);
    expect(lock.unlockReason).toBe('user switched');
  });

  it('refuses tryUnlock when not overrideable, but release always ends it', () => {
    const lock = new PrimaryProviderLock({ ...base, overrideable: false });
    expect(lock.tryUnlock('user')).toBe(false);
    expect(lock.isActive).toBe(true);
    expect(lock.release('job finished')).toBe(true);
    expect(lock.isActive).toBe(false);
  });

  it('applies to its stages case-insensitively, and to every stage when none are given', () => {
    const lock = new PrimaryProviderLock(base);
    expect(lock.appliesToStage('Script-Generation')).toBe(true);
    expect(lock.appliesToStage('narration')).toBe(false);
    expect(new PrimaryProviderLock({ ...base, stages: [] }).appliesToStage('anything')).toBe(true);
  });

  it('validates providers: match (any case), mismatch, ungoverned stage, unlocked', () => {
    const lock = new PrimaryProviderLock(base);
    expect(lock.validateProvider('ollama', 'script-generation')).toEqual({ ok: true });
    const bad = lock.validateProvider('OpenAI', 'script-generation');
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.message).toContain('Ollama');
      expect(bad.message).toContain('OpenAI');
      expect(bad.message).toContain('script-generation');
    }
    expect(lock.validateProvider('OpenAI', 'narration')).toEqual({ ok: true });
    lock.tryUnlock('switch');
    expect(lock.validateProvider('OpenAI', 'script-generation')).toEqual({ ok: true });
  });

  it('tracks its duration on the clock and freezes it at unlock', () => {
    const lock = new PrimaryProviderLock(base);
    vi.advanceTimersByTime(1500);
    expect(lock.durationMs).toBe(1500);
    lock.release('done');
    vi.advanceTimersByTime(1000);
    expect(lock.durationMs).toBe(1500);
  });

  it('prints the seed form', () => {
    const lock = new PrimaryProviderLock(base);
    expect(lock.toString()).toBe(
      'ProviderLock[Ollama (local_llm) for Job job-12345, Stages: script-generation, refinement, Active]',
    );
    const all = new PrimaryProviderLock({ ...base, stages: [] });
    all.release('done');
    expect(all.toString()).toBe('ProviderLock[Ollama (local_llm) for Job job-12345, Stages: All, Unlocked]');
  });

  it('serialises to plain data with a state field', () => {
    const lock = new PrimaryProviderLock(base);
    expect(JSON.parse(JSON.stringify(lock))).toMatchObject({
      state: 'active',
      stages: ['script-generation', 'refinement'],
    });
  });
});
