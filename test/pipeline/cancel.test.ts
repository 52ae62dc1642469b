/**
 * Cancellation mid-render with the real FFmpeg: the job ends `canceled` within about a second,
 * the `canceled` event lists the partial artifacts, and no FFmpeg process of the job survives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reelay } from '../../src/jobs/create-reelay.js';
import {
  ofType,
  removeDir,
  smallRequest,
  startReelay,
  tempDir,
  waitForEnd,
  waitForEvent,
} from '../support/pipeline-harness.js';
import { ffmpegProcessesFor, isZombie } from './media-checks.js';

let dir: string;
let reelay: Reelay;

beforeAll(async () => {
  dir = await tempDir('reelay-cancel-');
  reelay = await startReelay(dir);
});

afterAll(async () => {
  await reelay?.close();
  await removeDir(dir);
});

describe('cancellation mid-render', () => {
  it('stops FFmpeg, ends canceled within a second and lists the partial artifacts', async () => {
    // Motion (zoompan) makes each segment take seconds, so the cancel lands while FFmpeg runs.
    const job = await reelay.service.submit(
      smallRequest({ durationMinutes: 0.3, options: { motion: true } }),
    );
    // The first render progress that FFmpeg itself reported (not the stage's opening 0 %).
    await waitForEvent(
      reelay.service,
      job.id,
      (e) => e.type === 'progress' && e.stage === 'render' && e.message.startsWith('rendering'),
      'render progress from FFmpeg',
    );
    const running = await ffmpegProcessesFor(job.id);
    expect(running.length, 'FFmpeg should be rendering when the cancel arrives').toBeGreaterThan(0);

    const canceledAt = Date.now();
    const record = await reelay.service.cancel(job.id, 'test cancel');
    const tookMs = Date.now() - canceledAt;

    expect(record.status).toBe('canceled');
    expect(tookMs).toBeLessThan(1500);
    // Dead processes awaiting their reaper (zombies: the watchdog's group ended) do not count.
    expect((await ffmpegProcessesFor(job.id)).filter((pid) => !isZombie(pid))).toEqual([]);

    const { job: end, events } = await waitForEnd(reelay, job.id);
    expect(end.status).toBe('canceled');
    expect(end.output).toBeNull();
    const canceled = ofType(events, 'canceled');
    expect(canceled).toHaveLength(1);
    expect(canceled[0]?.reason).toContain('test cancel');
    const artifacts = canceled[0]?.partialArtifacts ?? [];
    expect(artifacts.some((p) => p.endsWith(`${job.id}/script.json`))).toBe(true);
    expect(artifacts.some((p) => /narration\/scene-001\.wav$/.test(p))).toBe(true);
    expect(artifacts.some((p) => /visuals\/scene-001\.png$/.test(p))).toBe(true);
    expect(artifacts.some((p) => p.endsWith('.mp4'))).toBe(false);
    expect(ofType(events, 'done')).toHaveLength(0);
    expect(ofType(events, 'error')).toHaveLength(0);
    // Nothing is published for a canceled job.
    const steps = (await reelay.service.steps(job.id)).map((s) => s.stepId);
    expect(steps).not.toContain('render');
  }, 60_000);
});
