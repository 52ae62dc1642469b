import { describe, expect, it } from 'vitest';
import type { ReelayEvent, StoredEvent } from '../../domain/events.js';
import { applyJobEvent } from './job-state.js';
import { initialJobState, type JobViewState } from './job-view-state.js';
import { contrast, latencyState, stallOptionView } from './latency-states.js';

const base = { jobId: 'job_1', timestamp: '2026-12-01T10:00:00.000Z' };
const call = { provider: 'openai', providerType: 'cloud_llm', stage: 'script', operationId: 'op1' } as const;

/** An event without the fields every event has. */
type Bare = ReelayEvent extends infer E
  ? E extends ReelayEvent
    ? Omit<E, 'jobId' | 'timestamp'>
    : never
  : never;

function fold(events: Bare[], start = initialJobState()): JobViewState {
  let id = start.lastEventId;
  return events.reduce((state, e) => applyJobEvent(state, { ...base, ...e, id: ++id } as StoredEvent), start);
}

describe('applyJobEvent', () => {
  it('spreads overall progress over the stages by weight and tracks the current call', () => {
    const s = fold([
      { type: 'job-queued', brief: 'Tides for kids' },
      { type: 'job-started', attempt: 1 },
      { type: 'stage-complete', stage: 'brief', nextStage: 'script', durationMs: 12 },
      { type: 'request-start', ...call, attempt: 1 },
      { type: 'progress', percentage: 15, stage: 'script', message: 'Writing', etaSeconds: 40 },
      { type: 'latency-category-changed', ...call, from: 'Normal', to: 'Extended', elapsedMs: 16000 },
    ]);
    expect(s.status).toBe('processing');
    expect(s.brief).toBe('Tides for kids');
    expect(s.stages.map((st) => [st.name, st.state, Math.round(st.percent)])).toEqual([
      ['brief', 'done', 100],
      ['script', 'running', 50],
      ['narration', 'waiting', 0],
      ['visuals', 'waiting', 0],
      ['render', 'waiting', 0],
      ['post', 'waiting', 0],
    ]);
    expect(s.stages[1]?.provider).toBe('openai');
    expect(s.call).toMatchObject({ provider: 'openai', category: 'Extended', active: true });
    expect(s.etaSeconds).toBe(40);
  });

  it('keeps a decision pending until answered and records the switch with its reason code', () => {
    const s = fold([
      { type: 'request-start', ...call, attempt: 1 },
      { type: 'stall-suspected', ...call, elapsedMs: 900, sinceProgressMs: 450, thresholdMs: 400 },
      {
        type: 'decision-required',
        decisionId: 'd1',
        provider: 'openai',
        stage: 'script',
        trigger: 'stall',
        options: ['continue_30s', 'try_alternative'],
        alternatives: [{ provider: 'template', score: 75, reasons: ['free'] }],
      },
    ]);
    expect(s.call?.category).toBe('StallSuspected');
    expect(s.pending?.decisionId).toBe('d1');
    const answered = fold(
      [
        { type: 'decision-answered', decisionId: 'd1', option: 'try_alternative', provider: 'template' },
        {
          type: 'fallback-decision',
          decision: {
            id: 'f1',
            jobId: 'job_1',
            fromProvider: 'openai',
            toProvider: 'template',
            reason: 'USER_AFTER_STALL',
            elapsedBeforeSwitchMs: 900,
            userConfirmed: true,
            stages: ['script'],
            correlationId: 'c',
            timestamp: base.timestamp,
            context: 'user chose template',
          },
        },
      ],
      s,
    );
    expect(answered.pending).toBeNull();
    expect(answered.alternatives.map((a) => a.provider)).toEqual(['template']);
    expect(answered.timeline.map((t) => t.code)).toEqual([
      'STALL_SUSPECTED',
      'DECISION_AFTER_STALL',
      'TRY_ALTERNATIVE',
      'USER_AFTER_STALL',
    ]);
    expect(answered.timeline[0]?.detail).toBe('No progress for 450 ms (threshold 400 ms).');
    expect(answered.timeline[3]?.title).toBe('Switched openai → template (confirmed by you)');
  });

  it('ignores events already applied (replays after a reconnect or reload)', () => {
    const s = fold([{ type: 'progress', percentage: 30, stage: 'script', message: 'a' }]);
    const again = applyJobEvent(s, {
      ...base,
      id: 1,
      type: 'progress',
      percentage: 5,
      stage: 'brief',
      message: 'old',
    });
    expect(again.percent).toBe(30);
    expect(again.message).toBe('a');
  });

  it('ends with the video, the failure or the cancel', () => {
    const done = fold([
      { type: 'done', videoUrl: '/api/video/job_1/download', outputPath: '/x.mp4', durationSeconds: 12 },
    ]);
    expect(done).toMatchObject({ status: 'completed', percent: 100, video: { durationSeconds: 12 } });
    expect(done.stages.every((st) => st.state === 'done')).toBe(true);
    const failed = fold([
      {
        type: 'error',
        error: { code: 'REELAY_ERR_PROVIDER', message: 'boom', stage: 'render', retryable: false },
      },
    ]);
    expect(failed.status).toBe('failed');
    expect(failed.stages.find((st) => st.name === 'render')?.state).toBe('failed');
    expect(fold([{ type: 'canceled', reason: 'user', partialArtifacts: [] }]).status).toBe('canceled');
  });
});

describe('latency states', () => {
  it('use the timeout-profile labels and colours with readable text', () => {
    expect(latencyState('Normal')).toMatchObject({ label: 'Active • Generating', color: '#0078d4' });
    expect(latencyState('Extended')).toMatchObject({
      label: 'Extended Wait • Still Working',
      color: '#ffa500',
    });
    expect(latencyState('DeepWait')).toMatchObject({
      label: 'Deep Wait • Long-Form Processing',
      color: '#ff6b6b',
    });
    expect(latencyState('StallSuspected')).toMatchObject({ color: '#cc0000' });
    expect(latencyState('Error')).toMatchObject({ label: 'Error • Provider Failed', color: '#cc0000' });
    for (const c of ['Normal', 'Extended', 'DeepWait', 'StallSuspected', 'Error'] as const) {
      const s = latencyState(c);
      expect(contrast(s.color, s.ink), c).toBeGreaterThanOrEqual(4.5);
    }
    expect(stallOptionView('try_alternative')).toEqual({ label: 'Try Alternative Provider', confirm: true });
    expect(stallOptionView('continue_30s').confirm).toBe(false);
  });
});
