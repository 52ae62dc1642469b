import { describe, expect, it } from 'vitest';
import type { AlternativeOption } from '../domain/events.js';
import type { StallOption } from '../domain/fallback.js';
import {
  alternativeWhy,
  type DecisionEvent,
  decideCommand,
  decisionChoices,
  formatDecision,
  parseChoice,
} from './decision-format.js';

const event = (over: Partial<DecisionEvent> = {}): DecisionEvent => ({
  type: 'decision-required',
  jobId: 'job_1',
  timestamp: '2026-05-01T09:00:00.000Z',
  decisionId: 'dec_1',
  provider: 'elevenlabs',
  stage: 'narration',
  trigger: 'stall',
  options: ['continue_30s', 'continue_5m', 'try_alternative', 'cancel_job'],
  alternatives: [
    { provider: 'openai-speech', score: 81.4, reasons: ['healthy'] },
    { provider: 'espeak', score: 62, reasons: [] },
  ],
  ...over,
});

describe('decisionChoices', () => {
  it('numbers continue 30 s, continue 5 min, each ranked alternative with its score, and cancel', () => {
    expect(decisionChoices(event())).toEqual([
      { option: 'continue_30s', label: 'Continue waiting 30 s' },
      { option: 'continue_5m', label: 'Continue waiting 5 min' },
      {
        option: 'try_alternative',
        provider: 'openai-speech',
        label: 'Try openai-speech instead (score 81/100; healthy)',
      },
      { option: 'try_alternative', provider: 'espeak', label: 'Try espeak instead (score 62/100)' },
      { option: 'cancel_job', label: 'Cancel the job' },
    ]);
  });
  it('after an error, continuing means retrying the same provider; only offered options appear', () => {
    const choices = decisionChoices(event({ trigger: 'error', options: ['continue_30s', 'cancel_job'] }));
    expect(choices.map((c) => c.label)).toEqual([
      'Continue waiting 30 s (retry elevenlabs)',
      'Cancel the job',
    ]);
  });
});

describe('formatDecision', () => {
  it('says what happened, where, since when, and lists the numbered choices', () => {
    const e = event({
      trigger: 'error',
      error: {
        code: 'REELAY_ERR_PROVIDER',
        message: 'rate limited',
        category: 'rate_limit',
        retryable: true,
      },
    });
    const text = formatDecision(e, decisionChoices(e), 65_000);
    expect(text).toBe(
      [
        '⚠ Decision needed — elevenlabs failed on the narration stage (rate limited): rate limited',
        '  elapsed on this stage: 1 min 5 s',
        '  1) Continue waiting 30 s (retry elevenlabs)',
        '  2) Continue waiting 5 min (retry elevenlabs)',
        '  3) Try openai-speech instead (score 81/100; healthy)',
        '  4) Try espeak instead (score 62/100)',
        '  5) Cancel the job',
        '',
      ].join('\n'),
    );
  });
  it('says so when no alternative is available', () => {
    const e = event({ alternatives: [] });
    expect(formatDecision(e, decisionChoices(e))).toMatch(
      /stopped making progress on the narration stage\n {2}\(no healthy alternative/,
    );
  });
});

describe('parseChoice', () => {
  const choices = decisionChoices(event());
  it('accepts numbers 1…N and refuses 0 and N+1', () => {
    expect(parseChoice('1', choices)?.option).toBe('continue_30s');
    expect(parseChoice(' 5 ', choices)?.option).toBe('cancel_job');
    expect(parseChoice('0', choices)).toBeNull();
    expect(parseChoice('6', choices)).toBeNull();
  });
  it('accepts a provider id, option names and aliases; refuses ambiguous or unknown text', () => {
    expect(parseChoice('ESPEAK', choices)).toMatchObject({ option: 'try_alternative', provider: 'espeak' });
    expect(parseChoice('continue_5m', choices)?.option).toBe('continue_5m');
    expect(parseChoice('5m', choices)?.option).toBe('continue_5m');
    expect(parseChoice('30s', choices)?.option).toBe('continue_30s');
    expect(parseChoice('cancel', choices)?.option).toBe('cancel_job');
    expect(parseChoice('try_alternative', choices)).toBeNull(); // which one?
    expect(parseChoice('', choices)).toBeNull();
    expect(parseChoice('later', choices)).toBeNull();
  });
});

describe('decideCommand', () => {
  it('is the exact command, with the provider and the server when remote', () => {
    const [, , alt] = decisionChoices(event());
    expect(decideCommand('job_1', alt!, 'http://h:8080')).toBe(
      'reelay decide job_1 try_alternative openai-speech --server http://h:8080',
    );
    expect(decideCommand('job_1', { option: 'continue_5m', label: '' })).toBe(
      'reelay decide job_1 continue_5m',
    );
  });
});

describe('wording of a decision', () => {
  const base = {
    id: 1,
    type: 'decision-required' as const,
    jobId: 'job_1',
    timestamp: '2026-01-01T00:00:00.000Z',
    correlationId: 'c',
    decisionId: 'dec_1',
    provider: 'ollama',
    stage: 'script',
    trigger: 'error' as const,
    options: ['continue_30s', 'continue_5m', 'try_alternative', 'cancel_job'] as StallOption[],
    alternatives: [
      {
        provider: 'template',
        score: 75,
        reasons: [
          'base 15.0/75: priority 5',
          'health 30.0/30: healthy',
          'latency 20.0/20: p95 1 s',
          'cost 10.0/10: free',
        ],
      },
    ],
  };

  it('an alternative shows its score out of 100 and the components that decided', () => {
    expect(alternativeWhy(base.alternatives[0] as AlternativeOption)).toBe(
      'score 75/100; health 30/30 healthy; latency 20/20 p95 1 s',
    );
  });

  it('an open breaker says when it lets a call through, in human units', () => {
    const e = {
      ...base,
      error: {
        code: 'REELAY_ERR_CIRCUIT_OPEN',
        category: 'provider_overload' as const,
        retryable: false,
        message:
          'The circuit for ollama is open after repeated failures (5 failures); it will be tried again in 300 s (at 2026-01-01T00:05:00.000Z): choose another provider or wait. Retry after 300000 ms.',
      },
    };
    const text = formatDecision(e, decisionChoices(e));
    expect(text).toMatch(/failed on the script stage \(circuit breaker open\)/);
    expect(text).toContain('tried again in 5 min (at 2026-01-01T00:05:00.000Z)');
    expect(text).toContain('Retry after 5 min.');
    expect(text).not.toMatch(/300000|provider_overload/);
    expect(text).toContain("ollama's circuit breaker lets a call through at 00:05:00 UTC (in 5 min)");
    expect(text).toMatch(
      /1\) Continue waiting 30 s \(ollama's circuit breaker is open: asked again before it lets a call through\)/,
    );
    expect(text).toMatch(/2\) Continue waiting 5 min\n/);
  });
});
