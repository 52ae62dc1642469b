/**
 * Degradation and pre-flight with the real pipeline: when no voice works, narration degrades to
 * captions-only (recorded as DEGRADED) and the video still renders with subtitles and a silent
 * track; a request naming an unknown provider is refused at submit, and an unhealthy chosen
 * provider fails the job at `brief`, before any script work.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ReelayError } from '../../src/domain/errors.js';
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
import { meanVolumeDb } from './media-checks.js';
import { MisbehavingTts } from './test-providers.js';

let dir: string | undefined;
let reelay: Reelay | undefined;

afterEach(async () => {
  await reelay?.close();
  if (dir) await removeDir(dir);
  reelay = undefined;
  dir = undefined;
});

async function start(providers: MisbehavingTts[]): Promise<Reelay> {
  dir = await tempDir('reelay-degrade-');
  reelay = await startReelay(dir, { providers, offline: ESPEAK_ONLY });
  return reelay;
}

describe('degradation to captions-only', () => {
  it('records DEGRADED, renders a silent track and keeps the subtitles', async () => {
    // Replaces the built-in espeak: the only voice there is fails with a system error.
    const broken = new MisbehavingTts({ id: 'espeak', category: 'system_error', retryable: false });
    const r = await start([broken]);
    const job = await r.service.submit(smallRequest({ fallbackPolicy: 'auto' }));
    const { job: end, events } = await waitForEnd(r, job.id);
    expect(end.status, JSON.stringify(end.error)).toBe('done');

    const decisions = await r.service.decisions(job.id);
    // Once degraded, the rest of the stage sticks to captions-only: one decision, one failed call.
    expect(decisions).toHaveLength(1);
    for (const d of decisions) {
      expect(d).toMatchObject({
        fromProvider: 'espeak',
        toProvider: 'captions-only',
        reason: 'DEGRADED',
        errorCategory: 'system_error',
        stages: ['narration'],
      });
    }
    expect(ofType(events, 'fallback-decision')).toHaveLength(decisions.length);
    const narration = (await r.stores.checkpoints.list(job.id)).filter((s) =>
      s.stepId.startsWith('narration-'),
    );
    expect(narration.length).toBeGreaterThanOrEqual(2);
    for (const step of narration)
      expect(step.meta).toMatchObject({ provider: 'captions-only', silent: true });
    expect(broken.calls).toHaveLength(1);
    expect(broken.calls.every((c) => !c.ok)).toBe(true);

    const path = end.output?.path ?? '';
    const info = await probeMedia(path);
    expect(info.video?.codec).toBe('h264');
    expect(info.audio?.codec).toBe('aac');
    expect(info.durationMs).toBeGreaterThan(3000);
    expect(await meanVolumeDb(path, 0.5, 1)).toBeLessThan(-80);

    const srt = await readFile(join(r.config.dataDir, 'jobs', job.id, 'captions.srt'), 'utf8');
    expect(srt).toMatch(/rainbow/i);
  }, 60_000);
});

describe('pre-flight', () => {
  it('refuses a request naming an unknown provider at submit, naming the field', async () => {
    const r = await start([]);
    const error = await r.service.submit(smallRequest({ providers: { tts: 'no-such-voice' } })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ReelayError.isInstance(error)).toBe(true);
    if (!ReelayError.isInstance(error)) return;
    expect(error.code).toBe('REELAY_ERR_VALIDATION');
    expect(error.message).toContain('no-such-voice');
    expect(error.details.fields).toEqual([expect.objectContaining({ field: 'providers.tts' })]);
    expect((await r.service.listJobs()).items).toEqual([]);
  });

  it('fallback off: fails a job whose chosen provider is unhealthy at stage brief, before any script work', async () => {
    const sick = new MisbehavingTts({
      id: 'sick-tts',
      okCalls: 100,
      health: { healthy: false, message: 'the API key was rejected (401)' },
    });
    const r = await start([sick]);
    const job = await r.service.submit(
      smallRequest({ providers: { tts: 'sick-tts' }, fallbackPolicy: 'off' }),
    );
    const { job: end, events } = await waitForEnd(r, job.id);
    expect(end.status).toBe('failed');
    expect(ofType(events, 'error')).toHaveLength(1);
    const error = ofType(events, 'error')[0]?.error;
    expect(error).toMatchObject({ code: 'REELAY_ERR_PREFLIGHT', stage: 'brief', provider: 'sick-tts' });
    expect(error?.message).toContain('sick-tts (the API key was rejected (401))');
    expect(error?.message).toMatch(/choose another provider/);
    expect(end.error?.code).toBe('REELAY_ERR_PREFLIGHT');

    expect(ofType(events, 'stage-started').map((e) => e.stage)).toEqual(['brief']);
    expect(ofType(events, 'stage-complete')).toEqual([]);
    expect(ofType(events, 'request-start')).toEqual([]);
    expect(await r.service.steps(job.id)).toEqual([]);
    expect(sick.calls).toEqual([]);
  });

  it('fallback auto: an unhealthy chosen provider is a recorded switch, and it is never called', async () => {
    const sick = new MisbehavingTts({
      id: 'sick-tts',
      okCalls: 100,
      health: { healthy: false, message: 'connection refused' },
    });
    const r = await start([sick]);
    const job = await r.service.submit(
      smallRequest({ providers: { tts: 'sick-tts' }, fallbackPolicy: 'auto' }),
    );
    const { job: end } = await waitForEnd(r, job.id);
    expect(end.status, JSON.stringify(end.error)).toBe('done');
    const decisions = await r.service.decisions(job.id);
    expect(decisions[0]).toMatchObject({ fromProvider: 'sick-tts', stages: ['narration'] });
    expect(decisions[0]?.toProvider).not.toBe('sick-tts');
    expect(sick.calls).toEqual([]);
  });

  it('fallback ask: an unhealthy chosen provider is a decision (retry, alternatives, cancel)', async () => {
    const sick = new MisbehavingTts({
      id: 'sick-tts',
      okCalls: 100,
      health: { healthy: false, message: 'connection refused' },
    });
    const r = await start([sick]);
    const job = await r.service.submit(
      smallRequest({ providers: { tts: 'sick-tts' }, fallbackPolicy: 'ask' }),
    );
    const asked = await waitForEvent(
      r.service,
      job.id,
      (e) => e.type === 'decision-required',
      'decision-required',
    );
    if (asked.type !== 'decision-required') throw new Error('unreachable');
    expect(asked).toMatchObject({ provider: 'sick-tts', stage: 'narration', trigger: 'error' });
    expect(asked.error?.message).toMatch(/sick-tts was not healthy at pre-flight \(connection refused\)/);
    expect(asked.options).toEqual(expect.arrayContaining(['continue_30s', 'try_alternative', 'cancel_job']));
    expect(asked.alternatives.map((a) => a.provider)).toContain('espeak');
    await r.service.answerDecision(job.id, { option: 'try_alternative', provider: 'espeak' });
    const { job: end } = await waitForEnd(r, job.id);
    expect(end.status, JSON.stringify(end.error)).toBe('done');
    expect(sick.calls).toEqual([]);
  });
});
