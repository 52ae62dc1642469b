import { describe, expect, it } from 'vitest';
import { ReelayError } from '../domain/errors.js';
import type { StoredEvent } from '../domain/events.js';
import { MemoryLogger } from '../domain/logger.js';
import type { DecisionAnswerInput } from '../patience/decision-broker.js';
import { DecisionAnswerRelay, type DecisionAnswerRelayOptions } from './decision-answer-relay.js';

type Gateway = DecisionAnswerRelayOptions['gateway'];

/** A gateway holding pending decisions per job, and feeds standing in for the shared log. */
function harness(options: { refuse?: boolean } = {}) {
  const listeners = new Map<string, Array<(event: never) => void>>();
  const pending = new Map<string, string>();
  const answers: Array<{ jobId: string } & DecisionAnswerInput> = [];
  const emit = (type: string, event: Record<string, unknown>): void => {
    for (const l of listeners.get(type) ?? []) l(event as never);
  };
  const gateway = {
    on: (type: string, listener: (event: never) => void) => {
      listeners.set(type, [...(listeners.get(type) ?? []), listener]);
      return {
        dispose: () =>
          listeners.set(
            type,
            (listeners.get(type) ?? []).filter((l) => l !== listener),
          ),
      };
    },
    getPendingDecision: (jobId: string) => {
      const decisionId = pending.get(jobId);
      return decisionId ? { decisionId } : undefined;
    },
    answerDecision: (jobId: string, answer: DecisionAnswerInput) => {
      if (options.refuse) throw new ReelayError('REELAY_ERR_VALIDATION', 'refused');
      answers.push({ jobId, ...answer });
      pending.delete(jobId);
      emit('decision-answered', { jobId, decisionId: answer.decisionId, option: answer.option });
    },
  } as unknown as Gateway;
  const feeds: Array<{
    jobId: string;
    afterId: number;
    push: (e: Record<string, unknown>) => void;
    disposed: boolean;
  }> = [];
  let nextId = 0;
  const logger = new MemoryLogger();
  const relay = new DecisionAnswerRelay({
    gateway,
    logger,
    follow: (jobId, listener, { afterId }) => {
      const feed = {
        jobId,
        afterId,
        disposed: false,
        push: (e: Record<string, unknown>) => {
          if (!feed.disposed)
            listener({ jobId, timestamp: 't', id: ++nextId, ...e } as unknown as StoredEvent);
        },
      };
      feeds.push(feed);
      return {
        dispose: () => {
          feed.disposed = true;
        },
      };
    },
  }).start();
  const require = (jobId: string, decisionId: string): void => {
    pending.set(jobId, decisionId);
    emit('decision-required', { jobId, decisionId });
  };
  return { relay, feeds, answers, pending, require, logger };
}

const required = (decisionId: string) => ({ type: 'decision-required', decisionId });
const submitted = (decisionId: string, provider = 'espeak') => ({
  type: 'decision-answer-submitted',
  decisionId,
  option: 'try_alternative',
  provider,
});

describe('DecisionAnswerRelay', () => {
  it('applies a submitted answer to the decision held here, then stops following', () => {
    const h = harness();
    h.require('job_1', 'd1');
    expect(h.feeds).toMatchObject([{ jobId: 'job_1', afterId: 0, disposed: false }]);
    const feed = h.feeds[0];
    if (!feed) throw new Error('unreachable');
    feed.push(submitted('d0')); // history before the decision: ignored
    feed.push(required('d1'));
    feed.push(submitted('other'));
    expect(h.answers).toEqual([]);
    feed.push(submitted('d1'));
    expect(h.answers).toEqual([
      { jobId: 'job_1', option: 'try_alternative', provider: 'espeak', decisionId: 'd1' },
    ]);
    expect(feed.disposed).toBe(true);
    expect(h.relay.watching).toBe(0);
  });

  it('logs a refused answer and keeps following while the decision is pending', () => {
    const h = harness({ refuse: true });
    h.require('job_1', 'd1');
    const feed = h.feeds[0];
    if (!feed) throw new Error('unreachable');
    feed.push(required('d1'));
    feed.push(submitted('d1'));
    expect(h.logger.records.some((r) => r.tag === 'DECISION_RELAY_REFUSED')).toBe(true);
    expect(feed.disposed).toBe(false);
    feed.push({ type: 'canceled', reason: 'user', partialArtifacts: [] });
    expect(feed.disposed).toBe(true);
  });

  it('stops when the decision is withdrawn or answered locally, and follows one decision per job', () => {
    const h = harness();
    h.require('job_1', 'd1');
    h.require('job_1', 'd1'); // a joined request: the same decision, no second feed
    expect(h.feeds).toHaveLength(1);
    h.pending.delete('job_1'); // withdrawn (the call ended)
    h.feeds[0]?.push({ type: 'request-complete' });
    expect(h.feeds[0]?.disposed).toBe(true);

    h.require('job_2', 'd2');
    h.require('job_3', 'd3');
    expect(h.relay.watching).toBe(2);
    h.relay.dispose();
    expect(h.feeds.map((f) => f.disposed)).toEqual([true, true, true]);
    h.require('job_4', 'd4');
    expect(h.feeds).toHaveLength(3);
  });
});
