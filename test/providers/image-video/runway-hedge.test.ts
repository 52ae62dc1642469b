/**
 * Render hedging with a deletable job (docs/hedging.md#async-jobs): Runway declares
 * `canDeleteJob`, so a render call whose task sits in Runway's queue past the hedge delay is
 * hedged; the first task to show progress wins, and the loser's task is deleted through
 * `DELETE /v1/tasks/{id}` and its spend recorded.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Heartbeat } from '../../../src/domain/heartbeat.js';
import type { VideoProvider, VideoRenderRequest, VideoRenderResult } from '../../../src/domain/provider.js';
import { HeyGenProvider } from '../../../src/providers/video/heygen-provider.js';
import { RunwayProvider } from '../../../src/providers/video/runway-provider.js';
import type { StageCall } from '../../../src/routing/stage-call.js';
import { driveUntilSettled, ManualClock, waitFor } from '../../fixtures/image-video/manual-clock.js';
import { solidPng, tinyMp4 } from '../../fixtures/image-video/media-assets.js';
import { type RunwayFixture, startRunwayFixture } from '../../fixtures/image-video/runway-fixture.js';
import { routerHarness } from '../../router/router-harness.js';

let fx: RunwayFixture;
let dir: string;
let imagePath: string;

beforeAll(async () => {
  [fx] = await Promise.all([startRunwayFixture(), tinyMp4()]);
  dir = await mkdtemp(join(tmpdir(), 'reelay-runway-hedge-'));
  imagePath = join(dir, 'scene-0.png');
  await writeFile(imagePath, solidPng(64, 36));
});
afterAll(() => fx.close());
beforeEach(() => {
  fx.requests.length = 0;
  fx.canceled.length = 0;
  fx.scenario.mode = 'success';
  fx.scenario.stuckNext = 0;
});

function renderCall(
  overrides: Partial<StageCall<VideoRenderResult, VideoProvider>> = {},
): StageCall<VideoRenderResult, VideoProvider> {
  const request: VideoRenderRequest = {
    scenes: [{ index: 0, imagePath, audioPath: '', durationMs: 4000, narration: 'Tide', title: 'Moon' }],
    width: 1280,
    height: 720,
    fps: 30,
    codec: 'h264',
    outPath: join(dir, `out-${Math.random().toString(36).slice(2)}.mp4`),
    workDir: dir,
  };
  return {
    jobId: 'job_1',
    correlationId: 'corr_1',
    stage: 'render',
    kind: 'video',
    policy: 'auto',
    signal: new AbortController().signal,
    preferred: 'runway',
    estimatedUsage: { seconds: 5 },
    hedge: { asyncJob: true, job: { enabled: true, afterMs: 1500 } },
    call: (provider, ctx) => provider.renderVideo(request, ctx),
    ...overrides,
  };
}

function setup() {
  const clock = new ManualClock();
  const runway = new RunwayProvider({ apiKey: fx.apiKey, baseUrl: fx.url, clock, pollIntervalMs: 1000 });
  const h = routerHarness([runway], { clock });
  return { clock, runway, h };
}

const creates = () => fx.requests.filter((r) => r.method === 'POST' && r.path === '/v1/image_to_video');

describe('render hedging against the Runway fixture', () => {
  it('declares canDeleteJob (Runway documents DELETE /v1/tasks/{id}); HeyGen follows deleteOnAbort', () => {
    expect(new RunwayProvider({ apiKey: 'k' }).capabilities.canDeleteJob).toBe(true);
    expect(new HeyGenProvider({ apiKey: 'k' }).capabilities.canDeleteJob).toBe(true);
    expect(new HeyGenProvider({ apiKey: 'k', deleteOnAbort: false }).capabilities.canDeleteJob).toBe(false);
  });

  it('a task still queued after the hedge delay is hedged; the first task with progress wins and the loser’s task is DELETEd and billed', async () => {
    const s = setup();
    fx.scenario.stuckNext = 1;
    const run = s.h.kit.router.run(renderCall());
    await waitFor(() => creates().length === 1, 15_000, 'the primary task');
    await s.clock.advance(1499);
    expect(creates()).toHaveLength(1);
    await s.clock.advance(1);
    await waitFor(() => creates().length === 2, 15_000, 'the hedge task');
    // Only the first task was stuck in the queue: the hedge's task runs normally.
    const primaryTask = fx.stuck.at(-1);
    expect(primaryTask).toBeDefined();
    const result = await driveUntilSettled(s.clock, run, 500);
    expect(result.provider.id).toBe('runway');
    expect(result.switched).toBe(false);
    await waitFor(() => fx.canceled.length === 1, 15_000, 'the DELETE of the losing task');
    expect(fx.canceled).toEqual([primaryTask]);
    const deleted = fx.requests.find((r) => r.method === 'DELETE');
    expect(deleted?.path).toBe(`/v1/tasks/${primaryTask}`);
    expect(deleted?.headers.authorization).toBe(`Bearer ${fx.apiKey}`);
    // The loser's estimated spend (5 s at $0.05) on top of what the winner's clip cost.
    expect(s.h.kit.costs.spent({ jobId: 'job_1' })).toBeGreaterThanOrEqual(0.25);
    const loserSpend = s.h.kit.costs.spent({ jobId: 'job_1' }) - winnerSpend(result.value);
    expect(loserSpend).toBeCloseTo(0.25, 6);
  });

  it('no hedge when the task shows progress before the delay: one task, no DELETE', async () => {
    const s = setup();
    // First poll PENDING at 1 s, RUNNING with progress at 2 s: before a 2.5 s hedge delay.
    const percents: number[] = [];
    const call = renderCall({ hedge: { asyncJob: true, job: { enabled: true, afterMs: 2500 } } });
    const inner = call.call;
    // `signal` is an accessor on the context's prototype (read through its private state): pass it
    // on explicitly, as the pipeline's own wrappers do, and replace only the heartbeat.
    call.call = (provider, ctx) =>
      inner(provider, {
        ...ctx,
        signal: ctx.signal,
        heartbeat: (beat: Heartbeat) => {
          if (beat.percent !== undefined) percents.push(beat.percent);
          ctx.heartbeat(beat);
        },
      });
    const run = s.h.kit.router.run(call);
    const t0 = s.clock.now();
    await waitFor(() => s.clock.nextAt() === t0 + 1000, 15_000, 'the first poll timer');
    await s.clock.advance(1000);
    // The PENDING answer is in once the next poll is scheduled (at 2 s).
    await waitFor(() => fx.requests.filter((r) => r.method === 'GET').length === 1, 15_000, 'the poll');
    await waitFor(() => s.clock.nextAt() === s.clock.now() + 1000, 15_000, 'the next poll timer');
    await s.clock.advance(1000);
    await waitFor(() => percents.length > 0, 15_000, 'the first progress');
    const result = await driveUntilSettled(s.clock, run, 500);
    expect(result.provider.id).toBe('runway');
    expect(creates()).toHaveLength(1);
    expect(fx.canceled).toEqual([]);
  });

  it('an adapter that cannot delete its job is never hedged, however long it queues', async () => {
    const s = setup();
    Object.assign(s.runway, { capabilities: { ...s.runway.capabilities, canDeleteJob: false } });
    fx.scenario.stuckNext = 1;
    const controller = new AbortController();
    const run = s.h.kit.router.run(renderCall({ signal: controller.signal }));
    run.catch(() => {});
    await waitFor(() => creates().length === 1, 15_000, 'the primary task');
    await s.clock.advance(5000);
    expect(creates()).toHaveLength(1);
    expect(fx.canceled).toEqual([]);
    controller.abort(new Error('test over'));
    await expect(run).rejects.toBeDefined();
    // Aborting the call itself still deletes its task.
    await waitFor(() => fx.canceled.length === 1, 15_000, 'the DELETE on abort');
  });
});

function winnerSpend(value: VideoRenderResult): number {
  return ((value.usage?.seconds ?? 0) as number) * 0.05;
}
