import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sequentialIds } from '../domain/ids.js';
import {
  type AutomaticReason,
  FallbackDecisionFactory,
  type FallbackDecisionInput,
} from './fallback-decision.js';

const input: FallbackDecisionInput = {
  jobId: 'job-1',
  fromProvider: 'Ollama',
  toProvider: 'OpenAI',
  elapsedBeforeSwitchMs: 95000,
  correlationId: 'corr-1',
  stages: ['script'],
};

describe('FallbackDecisionFactory', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-03-01T12:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('creates each reason with the right confirmation flag, id and timestamp', () => {
    const f = new FallbackDecisionFactory({ ids: sequentialIds() });
    const made = [
      f.createUserRequested(input),
      f.createUserAfterStall(input),
      f.createProviderFatalError({ ...input, errorCategory: 'authentication' }),
      f.createAutomatic('AUTO_CIRCUIT_OPEN', input),
      f.createDegraded({ ...input, toProvider: 'Ollama' }),
    ];
    expect(made.map((d) => [d.id, d.reason, d.userConfirmed])).toEqual([
      ['decision_1', 'USER_REQUEST', true],
      ['decision_2', 'USER_AFTER_STALL', true],
      ['decision_3', 'PROVIDER_FATAL_ERROR', true],
      ['decision_4', 'AUTO_CIRCUIT_OPEN', false],
      ['decision_5', 'DEGRADED', false],
    ]);
    expect(made[0]).toMatchObject({
      timestamp: '2026-03-01T12:00:00.000Z',
      stages: ['script'],
      elapsedBeforeSwitchMs: 95000,
    });
    expect(made[2]!.errorCategory).toBe('authentication');
    expect(made[2]!.context).toContain('authentication');
    expect(Object.isFrozen(made[0])).toBe(true);
  });

  it('validates its inputs', () => {
    const f = new FallbackDecisionFactory();
    expect(() => f.createUserRequested({ ...input, jobId: '' })).toThrow('non-empty jobId');
    expect(() => f.createUserRequested({ ...input, elapsedBeforeSwitchMs: -1 })).toThrow(
      'elapsedBeforeSwitchMs',
    );
    expect(() => f.createUserRequested({ ...input, toProvider: 'ollama' })).toThrow('different provider');
    expect(() => f.createAutomatic('USER_REQUEST' as AutomaticReason, input)).toThrow(
      'createAutomatic needs',
    );
  });
});
