import { copyFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { VideoProvider, VideoRenderResult } from '../../domain/provider.js';
import { writeFileAtomic } from '../../providers/media/atomic-file.js';
import { withTrackedTemp } from '../../providers/media/work-tracking.js';
import { buildCues, timeline, toSrt } from '../../providers/video/subtitles.js';
import type { PipelineContext } from '../pipeline-context.js';
import { layoutTimeline } from '../scene-timing.js';
import type { Script } from '../script-schema.js';
import type { SceneNarration } from './narration-stage.js';
import type { SceneVisual } from './visuals-stage.js';

const STEP = 'render';

/** Default video provider when the request names none: local composition. */
export const DEFAULT_VIDEO_PROVIDER = 'ffmpeg';

/** What the render stage produced. */
export interface RenderOutput {
  path: string;
  provider: string;
  /** Timeline length in ms. */
  timelineMs: number;
}

/**
 * Render stage: lays the scenes on a timeline from the measured narration, writes the captions
 * (SRT) and asks the video provider (FFmpeg composer by default) to compose the MP4, with percent
 * heartbeats as progress. The result is published atomically to the output path.
 */
export async function runRenderStage(
  ctx: PipelineContext,
  script: Script,
  narration: readonly SceneNarration[],
  visuals: readonly SceneVisual[],
): Promise<RenderOutput> {
  const { request, workspace } = ctx;
  const timed = layoutTimeline(narration.map((n) => n.durationMs));
  const timelineMs = timed.at(-1)?.endMs ?? 0;
  const done = await ctx.checkpoints.verified(STEP, ctx.signal);
  if (done) {
    ctx.served('render', String(done.meta.provider));
    return { path: done.artifactPath, provider: String(done.meta.provider), timelineMs };
  }
  const scenes = script.scenes.map((scene, i) => ({
    index: i,
    imagePath: visuals[i]!.imagePath,
    audioPath: narration[i]!.audioPath,
    durationMs: timed[i]!.durationMs,
    narration: scene.narration,
    title: scene.title,
  }));
  if (request.options.subtitles) {
    const cues = buildCues(timeline(scenes));
    await writeFileAtomic(workspace.captionsPath, toSrt(cues));
  }
  ctx.progress.update('render', 0, 'Composing the video', true);
  const result = await ctx.runner.run<VideoRenderResult, VideoProvider>({
    jobId: ctx.jobId,
    correlationId: ctx.correlationId,
    stage: 'render',
    kind: 'video',
    policy: ctx.policy,
    signal: ctx.signal,
    // Render jobs have side effects; never hedged unless the adapter can delete the loser's job.
    hedge: { asyncJob: true, ...(request.hedging ? { job: request.hedging } : {}) },
    preferred: request.providers.video ?? DEFAULT_VIDEO_PROVIDER,
    call: (provider, call) =>
      provider.renderVideo(
        {
          scenes,
          width: request.options.width,
          height: request.options.height,
          fps: request.options.fps,
          codec: request.options.codec,
          outPath: workspace.renderPath,
          workDir: workspace.segmentsDir,
          motion: request.options.motion,
          crossfade: request.options.crossfade,
          videoBitrate: request.options.videoBitrate,
          audioBitrate: request.options.audioBitrate,
          prompt: `${script.title}: ${request.brief}`,
          ...(request.options.subtitles ? { subtitlesPath: workspace.captionsPath } : {}),
          ...(request.options.music ? { musicPath: join(workspace.musicDir, request.options.music) } : {}),
        },
        {
          signal: call.signal,
          heartbeat: (beat) => {
            call.heartbeat(beat);
            if (beat.percent !== undefined) {
              ctx.progress.update(
                'render',
                beat.percent / 100,
                beat.message ?? `Rendering ${Math.round(beat.percent)} %`,
              );
            }
          },
        },
      ),
  });
  await publish(result.value.path, workspace.outputPath);
  await ctx.checkpoints.complete(STEP, workspace.outputPath, { provider: result.provider.id });
  ctx.served('render', result.provider.id);
  return { path: workspace.outputPath, provider: result.provider.id, timelineMs };
}

/** Moves the render to its published name atomically (copy + rename across file systems). */
async function publish(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch {
    const temp = `${to}.partial`;
    await withTrackedTemp(temp, async () => {
      await copyFile(from, temp);
      await rename(temp, to);
    });
  }
}
