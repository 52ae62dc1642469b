/**
 * A narration provider that fails mid-job (scene 2 of 3), under each fallback policy, with the
 * real espeak-ng as the alternative and the real FFmpeg render: `auto` switches and records it,
 * `off` fails naming the provider, `ask` waits for the user's answer.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FallbackPolicy } from '../../src/domain/fallback.js';
import type { Reelay } from '../../src/jobs/create-reelay.js';
import { probeMedia } from '../../src/providers/media/ffprobe.js';
import {
  ESPEAK_ONLY,
  ofType,
  removeDir,
  smallRequest,
  startReelay,
  tempDir,
  waitForEnd,
  waitForEvent,
} from '../support/pipeline-harness.js';
import { MisbehavingTts } from './test-providers.js';

let dir: string;
let reelay: Reelay;
let flaky: MisbehavingTts;

beforeEach(async () => {
  dir = await tempDir('reelay-policy-');
  flaky = new MisbehavingTts({ id: 'flaky-tts', okCalls: 1, category: 'api_failure', retryable: false });
  reelay = await startReelay(dir, { providers: [flaky], offline: ESPEAK_ONLY });
});

afterEach(async () => {
  await reelay?.close();
  await removeDir(dir);
});

/** Three scenes narrated by flaky-tts by choice: scene 1 works, scene 2 fails. */
function submit(policy: FallbackPolicy) {
  return reelay.service.submit(
    smallRequest({
      durationMinutes: 0.4,
      fallbackPolicy: policy,
      providers: { tts: 'flaky-tts' },
      options: { subtitles: false },
    }),
  );
}

async function narrationProviders(jobId: string): Promise<string[]> {
  const steps = await reelay.stores.checkpoints.list(jobId);
  return steps.filter((s) => s.stepId.startsWith('narration-')).map((s) => String(s.meta.provider));
}

describe('a provider failing mid-job', () => {
  it('auto: switches to espeak, records AUTO_AFTER_ERROR, and later scenes stick to espeak', async () => {
    const job = await submit('auto');
    const { job: end, events } = await waitForEnd(reelay, job.id);
    expect(end.status, JSON.stringify(end.error)).toBe('done');

    const decisions = await reelay.service.decisions(job.id);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      fromProvider: 'flaky-tts',
      toProvider: 'espeak',
      reason: 'AUTO_AFTER_ERROR',
      userConfirmed: false,
      errorCategory: 'api_failure',
      stages: ['narration'],
      jobId: job.id,
      correlationId: job.correlationId,
    });
    expect(decisions[0]?.context).toContain('scene 2 of 3');
    expect(ofType(events, 'fallback-decision').map((e) => e.decision.id)).toEqual([decisions[0]?.id]);

    expect(await narrationProviders(job.id)).toEqual(['flaky-tts', 'espeak', 'espeak']);
    // Scene 3 went straight to espeak: flaky-tts saw scene 1 and the failed scene 2 only.
    expect(flaky.calls.map((c) => c.ok)).toEqual([true, false]);
    const info = await probeMedia(end.output?.path ?? '');
    expect(info.audio?.codec).toBe('aac');
  }, 60_000);

  it('off: fails the job with an error naming flaky-tts, the category, the stage and the attempts', async () => {
    const job = await submit('off');
    const { job: end, events } = await waitForEnd(reelay, job.id);
    expect(end.status).toBe('failed');
    const error = ofType(events, 'error')[0]?.error;
    expect(error).toMatchObject({
      code: 'REELAY_ERR_STAGE_FAILED',
      provider: 'flaky-tts',
      category: 'api_failure',
      stage: 'narration',
      correlationId: job.correlationId,
    });
    expect(error?.message).toContain('flaky-tts');
    expect(error?.message).toContain('narration (scene 2 of 3)');
    expect(error?.message).toContain('fallback policy is "off"');
    expect(error?.message).toContain('espeak');
    expect(error?.attempts).toEqual([
      expect.objectContaining({ provider: 'flaky-tts', attempt: 1, category: 'api_failure' }),
    ]);
    expect(end.error).toMatchObject({ code: 'REELAY_ERR_STAGE_FAILED', provider: 'flaky-tts' });
    expect(await reelay.service.decisions(job.id)).toEqual([]);
    expect(await narrationProviders(job.id)).toEqual(['flaky-tts']);
    expect(ofType(events, 'stage-started').map((e) => e.stage)).not.toContain('visuals');
  }, 60_000);

  it('ask: waits on decision-required, switches only on the answer, records PROVIDER_FATAL_ERROR', async () => {
    const job = await submit('ask');
    const required = await waitForEvent(
      reelay.service,
      job.id,
      (e) => e.type === 'decision-required',
      'decision-required',
    );
    if (required.type !== 'decision-required') throw new Error('unreachable');
    expect(required).toMatchObject({ provider: 'flaky-tts', stage: 'narration', trigger: 'error' });
    expect(required.error).toMatchObject({ provider: 'flaky-tts', category: 'api_failure' });
    expect(required.options).toContain('try_alternative');
    expect(required.alternatives.map((a) => a.provider)).toContain('espeak');
    expect(required.alternatives.map((a) => a.provider)).toContain('captions-only');

    // Nothing has switched while the question is open.
    const pending = await reelay.service.pendingDecision(job.id);
    expect(pending?.decisionId).toBe(required.decisionId);
    expect((await reelay.service.getJob(job.id))?.status).toBe('running');
    expect(await reelay.service.decisions(job.id)).toEqual([]);
    const soFar = await reelay.service.readEvents(job.id, 0);
    const espeakCalls = ofType(soFar, 'request-start').filter((e) => e.provider === 'espeak');
    expect(espeakCalls).toEqual([]);
    expect(await narrationProviders(job.id)).toEqual(['flaky-tts']);

    await reelay.service.answerDecision(job.id, { option: 'try_alternative', provider: 'espeak' });
    const { job: end, events } = await waitForEnd(reelay, job.id);
    expect(end.status, JSON.stringify(end.error)).toBe('done');
    const decisions = await reelay.service.decisions(job.id);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      fromProvider: 'flaky-tts',
      toProvider: 'espeak',
      reason: 'PROVIDER_FATAL_ERROR',
      userConfirmed: true,
      errorCategory: 'api_failure',
    });
    const answered = ofType(events, 'decision-answered');
    expect(answered).toMatchObject([{ decisionId: required.decisionId, option: 'try_alternative' }]);
    expect(answered[0]?.id).toBeGreaterThan(required.id);
    expect(await narrationProviders(job.id)).toEqual(['flaky-tts', 'espeak', 'espeak']);
    expect(flaky.calls.map((c) => c.ok)).toEqual([true, false]);
    expect(await reelay.service.pendingDecision(job.id)).toBeNull();
  }, 60_000);
});
