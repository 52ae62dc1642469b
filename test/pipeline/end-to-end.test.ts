/**
 * A short job end to end with the real FFmpeg and espeak-ng: what the MP4 contains, what the job
 * reported on the way, and the three aspect ratios.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAGES } from '../../src/domain/stages.js';
import type { Reelay } from '../../src/jobs/create-reelay.js';
import { layoutTimeline } from '../../src/pipeline/scene-timing.js';
import { parseScript } from '../../src/pipeline/script-schema.js';
import { probeMedia } from '../../src/providers/media/ffprobe.js';
import {
  type FinishedJob,
  ofType,
  removeDir,
  smallRequest,
  startReelay,
  tempDir,
  waitForEnd,
} from '../support/pipeline-harness.js';
import { grayFrame, meanVolumeDb, rowDiff } from './media-checks.js';

const WIDTH = 480;
const HEIGHT = 270;

let dir: string;
let reelay: Reelay;
let subtitled: FinishedJob;
let plain: FinishedJob;

beforeAll(async () => {
  dir = await tempDir('reelay-e2e-');
  reelay = await startReelay(dir);
  // The template writer is deterministic: both jobs get the same script, stills and voice.
  const a = await reelay.service.submit(smallRequest());
  const b = await reelay.service.submit(smallRequest({ options: { subtitles: false } }));
  subtitled = await waitForEnd(reelay, a.id);
  plain = await waitForEnd(reelay, b.id);
}, 90_000);

afterAll(async () => {
  await reelay?.close();
  await removeDir(dir);
});

describe('a short job end to end', () => {
  it('ends done with a published H.264/AAC yuv420p MP4 of the requested size and fps', async () => {
    const { job } = subtitled;
    expect(job.status, JSON.stringify(job.error)).toBe('done');
    expect(job.progress).toBe(100);
    const path = job.output?.path ?? '';
    expect(path).toBe(join(reelay.config.outputDir, `video-${job.id}.mp4`));
    const info = await probeMedia(path);
    expect(info.video).toMatchObject({ codec: 'h264', width: WIDTH, height: HEIGHT, pixFmt: 'yuv420p' });
    expect(info.video?.fps).toBeCloseTo(15, 3);
    expect(info.audio?.codec).toBe('aac');
    expect(job.output).toMatchObject({ width: WIDTH, height: HEIGHT });
  });

  it('lasts the timeline laid out from the measured narration, within 10 %', async () => {
    const { job } = subtitled;
    const steps = await reelay.stores.checkpoints.list(job.id);
    const narration = steps.filter((s) => s.stepId.startsWith('narration-'));
    expect(narration.length).toBeGreaterThanOrEqual(2);
    const timelineMs = layoutTimeline(narration.map((s) => Number(s.meta.durationMs))).at(-1)?.endMs ?? 0;
    const info = await probeMedia(job.output?.path ?? '');
    expect(Math.abs(info.durationMs - timelineMs) / timelineMs).toBeLessThan(0.1);
    expect(Math.abs((job.output?.durationSeconds ?? 0) * 1000 - info.durationMs)).toBeLessThan(50);
  });

  it('carries audible narration', async () => {
    const volume = await meanVolumeDb(subtitled.job.output?.path ?? '', 0.5, 1);
    // espeak-ng speech is around −25 dB; digital silence is −91 dB or −inf.
    expect(volume).toBeGreaterThan(-45);
  });

  it('writes captions with the narration words and burns them into the bottom of the frame', async () => {
    const workDir = join(dir, 'jobs', subtitled.job.id);
    const script = parseScript(await readFile(join(workDir, 'script.json'), 'utf8'));
    const srt = (await readFile(join(workDir, 'captions.srt'), 'utf8')).toLowerCase();
    expect(srt).toMatch(/^1\r?\n00:00:00,\d{3} --> /);
    const words = script.scenes.flatMap((s) => s.narration.toLowerCase().match(/[a-z]{4,}/g) ?? []);
    expect(words.length).toBeGreaterThan(10);
    for (const word of words) expect(srt).toContain(word);
    expect(existsSync(join(dir, 'jobs', plain.job.id, 'captions.srt'))).toBe(false);

    const at = (subtitled.job.output?.durationSeconds ?? 2) / 4;
    const withSubs = await grayFrame(subtitled.job.output?.path ?? '', at, dir, 'with');
    const without = await grayFrame(plain.job.output?.path ?? '', at, dir, 'without');
    expect(withSubs.length).toBe(WIDTH * HEIGHT);
    const bottom = rowDiff(withSubs, without, WIDTH, Math.round(HEIGHT * 0.75), HEIGHT);
    const top = rowDiff(withSubs, without, WIDTH, 0, Math.round(HEIGHT * 0.25));
    expect(bottom).toBeGreaterThan(3);
    expect(bottom).toBeGreaterThan(top * 4);
  });

  it('reports events in order: increasing ids, monotonic progress to 100, every stage complete', () => {
    const { events, job } = subtitled;
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]?.type).toBe('job-queued');
    expect(events.every((e) => e.jobId === job.id && e.correlationId === job.correlationId)).toBe(true);
    const progress = ofType(events, 'progress').map((e) => e.percentage);
    expect(progress.length).toBeGreaterThan(5);
    for (let i = 1; i < progress.length; i++)
      expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1] ?? 0);
    expect(progress.at(-1)).toBe(100);
    const complete = ofType(events, 'stage-complete');
    expect(complete.map((e) => e.stage)).toEqual([...STAGES]);
    expect(complete.map((e) => e.nextStage)).toEqual([...STAGES.slice(1), null]);
    const done = ofType(events, 'done');
    expect(done).toHaveLength(1);
    expect(done[0]?.id).toBeGreaterThan(complete.at(-1)?.id ?? Number.POSITIVE_INFINITY);
    expect(ofType(events, 'error')).toHaveLength(0);
  });

  it('keeps a job log and a checkpoint for every step', async () => {
    const log = await reelay.stores.jobLogs.read(subtitled.job.id);
    const messages = log.map((l) => l.message);
    expect(messages[0]).toBe('Job queued');
    expect(messages).toContain('Job started');
    expect(messages).toContain('Pre-flight passed');
    for (const stage of STAGES) expect(messages).toContain(`Stage ${stage} complete`);
    expect(messages.at(-1)).toBe('Job done');
    // Visuals run two at a time, so their checkpoints land in either order.
    const steps = (await reelay.service.steps(subtitled.job.id)).map((s) => s.stepId);
    expect(steps.slice(0, 3)).toEqual(['script', 'narration-1', 'narration-2']);
    expect(steps.slice(3, 5).sort()).toEqual(['visual-1', 'visual-2']);
    expect(steps.slice(5)).toEqual(['render', 'post']);
  });
});

describe('aspect ratios', () => {
  it.each([
    ['16:9', 480, 270],
    ['9:16', 320, 568],
    ['1:1', 320, 320],
  ] as const)('%s renders at %i×%i', async (aspect, width, height) => {
    const job = await reelay.service.submit(
      smallRequest({ durationMinutes: 0.1, options: { aspect, width, height, subtitles: false } }),
    );
    const { job: end } = await waitForEnd(reelay, job.id);
    expect(end.status, JSON.stringify(end.error)).toBe('done');
    const info = await probeMedia(end.output?.path ?? '');
    expect(info.video).toMatchObject({ codec: 'h264', width, height });
    expect(info.audio?.codec).toBe('aac');
    const still = await probeMedia(join(dir, 'jobs', job.id, 'visuals', 'scene-001.png'));
    expect(still.video).toMatchObject({ width, height });
  });
});
