import { describe, expect, it } from 'vitest';
import { DecisionBroker, type DecisionEvent } from './decision-broker.js';

const request = {
  jobId: 'job_1',
  stage: 'narration',
  provider: 'flaky-tts',
  trigger: 'error' as const,
  alternatives: [{ provider: 'espeak', score: 80, reasons: ['offline'] }],
};

function broker(): { broker: DecisionBroker; events: DecisionEvent[] } {
  const events: DecisionEvent[] = [];
  let n = 0;
  return { broker: new DecisionBroker({ emit: (e) => events.push(e), ids: (p) => `${p}_${++n}` }), events };
}

describe('DecisionBroker carry-over (a resumed job and the decision its dead attempt left open)', () => {
  it('applies an answer recorded meanwhile without asking again', async () => {
    const { broker: b, events } = broker();
    b.carryOver('job_1', {
      decisionId: 'decision_old',
      stage: 'narration',
      provider: 'Flaky-TTS',
      answer: { option: 'try_alternative', provider: 'espeak' },
    });
    const handle = b.request(request);
    expect(handle.decisionId).toBe('decision_old');
    await expect(handle.answer).resolves.toMatchObject({ option: 'try_alternative', provider: 'espeak' });
    expect(events.map((e) => e.type)).toEqual(['decision-answered']);
    expect(b.getPending('job_1')).toBeUndefined();
  });

  it('asks once, under the same decision id, when no answer was recorded', async () => {
    const { broker: b, events } = broker();
    b.carryOver('job_1', { decisionId: 'decision_old', stage: 'narration', provider: 'flaky-tts' });
    const first = b.request(request);
    const joined = b.request(request);
    expect([first.decisionId, joined.decisionId]).toEqual(['decision_old', 'decision_old']);
    expect(events.filter((e) => e.type === 'decision-required')).toHaveLength(1);
    b.answer('job_1', { option: 'cancel_job', decisionId: 'decision_old' });
    await expect(first.answer).resolves.toMatchObject({ option: 'cancel_job' });
  });

  it('does not apply a carried decision to another stage or provider, nor after the job is withdrawn', () => {
    const { broker: b } = broker();
    b.carryOver('job_1', { decisionId: 'decision_old', stage: 'visuals', provider: 'flaky-tts' });
    expect(b.request(request).decisionId).not.toBe('decision_old');
    b.withdrawForJob('job_1', 'test');
    b.carryOver('job_1', { decisionId: 'decision_old', stage: 'narration', provider: 'flaky-tts' });
    b.withdrawForJob('job_1', 'job ended');
    expect(b.request(request).decisionId).not.toBe('decision_old');
  });
});
