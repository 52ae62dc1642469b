import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../domain/events.js';
import {
  openDecisionFromLog,
  pendingDecisionFromLog,
  pendingDecisionView,
} from './pending-decision-from-log.js';

const base = { jobId: 'job_1', timestamp: '2025-01-01T00:00:00.000Z' };
let nextId = 0;
const stored = (event: Record<string, unknown>): StoredEvent =>
  ({ ...base, ...event, id: ++nextId }) as unknown as StoredEvent;
const required = (decisionId: string, timestamp = base.timestamp) =>
  stored({
    type: 'decision-required',
    timestamp,
    decisionId,
    provider: 'flaky-tts',
    stage: 'narration',
    trigger: 'error',
    options: ['continue_30s', 'continue_5m', 'try_alternative', 'cancel_job'],
    alternatives: [{ provider: 'espeak', score: 80, reasons: ['offline'] }],
  });
const answered = (decisionId: string) =>
  stored({ type: 'decision-answered', decisionId, option: 'cancel_job' });
const submitted = (decisionId: string) =>
  stored({ type: 'decision-answer-submitted', decisionId, option: 'cancel_job' });
const progress = () => stored({ type: 'progress', percentage: 10, stage: 'narration', message: 'm' });

describe('pendingDecisionFromLog', () => {
  it('is null for a log without decisions', () => {
    expect(pendingDecisionFromLog([])).toBeNull();
    expect(pendingDecisionFromLog([progress()])).toBeNull();
  });

  it('returns the open decision, even after later events and a submitted answer', () => {
    const open = required('d1');
    expect(pendingDecisionFromLog([progress(), open, progress(), submitted('d1')])).toBe(open);
  });

  it('closes a decision on its decision-answered only', () => {
    expect(pendingDecisionFromLog([required('d1'), answered('d1')])).toBeNull();
    const open = required('d2');
    expect(pendingDecisionFromLog([open, answered('d1')])).toBe(open);
  });

  it('returns the last decision when an earlier one was answered', () => {
    const second = required('d2');
    expect(pendingDecisionFromLog([required('d1'), answered('d1'), progress(), second])).toBe(second);
    expect(pendingDecisionFromLog([required('d1'), answered('d1'), second, answered('d2')])).toBeNull();
  });

  it.each(['done', 'error', 'canceled'])('closes every decision on a terminal %s event', (type) => {
    expect(pendingDecisionFromLog([required('d1'), stored({ type })])).toBeNull();
  });

  it('maps to the view the API serves', () => {
    const event = required('d1', '2025-01-01T00:01:00.000Z');
    if (event.type !== 'decision-required') throw new Error('unreachable');
    expect(pendingDecisionView(event)).toEqual({
      decisionId: 'd1',
      jobId: 'job_1',
      stage: 'narration',
      provider: 'flaky-tts',
      trigger: 'error',
      options: ['continue_30s', 'continue_5m', 'try_alternative', 'cancel_job'],
      alternatives: [{ provider: 'espeak', score: 80, reasons: ['offline'] }],
      requestedAt: '2025-01-01T00:01:00.000Z',
    });
  });
});

describe('openDecisionFromLog (what a resumed job carries over)', () => {
  it('is null when no decision is open', () => {
    expect(openDecisionFromLog([required('d1'), answered('d1')])).toBeNull();
  });

  it('returns the open decision with the answer submitted for it while no worker held it', () => {
    const open = required('d3');
    const answer = stored({
      type: 'decision-answer-submitted',
      decisionId: 'd3',
      option: 'try_alternative',
      provider: 'espeak',
    });
    expect(openDecisionFromLog([open, progress(), answer, submitted('d3')])).toEqual({
      decision: open,
      answer: { option: 'try_alternative', provider: 'espeak' },
    });
  });

  it('returns the open decision without an answer when none was submitted, or only for another one', () => {
    const open = required('d4');
    expect(openDecisionFromLog([submitted('d0'), open, progress()])).toEqual({ decision: open });
  });
});
