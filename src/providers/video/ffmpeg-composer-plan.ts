import { resolve } from 'node:path';
import type { VideoRenderRequest } from '../../domain/provider.js';
import type { EncodeSettings, SegmentPlan } from './ffmpeg-composer-args.js';
import type { FinalPlan } from './ffmpeg-composer-final.js';
import { planTimeline, type TransitionKind } from './ffmpeg-composer-timeline.js';
import { DEFAULT_MOTION_ENCODING } from './x264-tuning.js';

/** The composer options that shape the encoding and the segments (see `FfmpegComposerOptions`). */
export interface CompositionChoices {
  preset?: string | undefined;
  crf?: number | undefined;
  audioBitrate?: string | undefined;
  fullPelMotion?: boolean | undefined;
  motionCrfOffset?: number | undefined;
  motionTravel?: number | undefined;
  transitionMs?: number | undefined;
  fadeMs?: number | undefined;
  transitionKind?: TransitionKind | undefined;
  musicVolumeDb?: number | undefined;
  duckRatio?: number | undefined;
  loudnessLufs?: number | null | undefined;
  truePeakDb?: number | undefined;
}

/** The encoder settings every segment and the final join share, from the request and the options. */
export function encodeSettingsFor(request: VideoRenderRequest, choices: CompositionChoices): EncodeSettings {
  return {
    width: request.width,
    height: request.height,
    fps: request.fps,
    preset: choices.preset ?? 'veryfast',
    crf: choices.crf ?? 23,
    videoBitrate: request.videoBitrate,
    audioBitrate: request.audioBitrate ?? choices.audioBitrate ?? '192k',
    motionEncoding: {
      fullPel: choices.fullPelMotion ?? DEFAULT_MOTION_ENCODING.fullPel,
      crfOffset: choices.motionCrfOffset ?? DEFAULT_MOTION_ENCODING.crfOffset,
    },
  };
}

/** Each scene's exact frame count at `fps` (at least one frame). */
export function sceneFrames(request: VideoRenderRequest, fps: number): number[] {
  return request.scenes.map((scene) => Math.max(1, Math.round((scene.durationMs * fps) / 1000)));
}

/**
 * The segments of one render: a scene body per scene and, with `crossfade`, a transition per cut
 * with fades at both ends; Ken Burns motion unless the request turns it off.
 */
export function planSegments(
  request: VideoRenderRequest,
  frames: readonly number[],
  s: EncodeSettings,
  choices: CompositionChoices,
): SegmentPlan[] {
  const motion = (request.motion ?? true) ? { motion: { travel: choices.motionTravel ?? 0.12 } } : {};
  const toFrames = (ms: number): number => Math.round((ms * s.fps) / 1000);
  const timeline = planTimeline(
    request.scenes.map((scene, position) => ({
      index: scene.index,
      position,
      imagePath: resolve(scene.imagePath),
      frames: frames[position]!,
    })),
    request.crossfade
      ? {
          transitionFrames: toFrames(choices.transitionMs ?? 500),
          edgeFadeFrames: toFrames(choices.fadeMs ?? 300),
        }
      : { transitionFrames: 0, edgeFadeFrames: 0 },
  );
  const kind = choices.transitionKind ?? 'fade';
  return timeline.map((segment) => ({
    ...segment,
    ...motion,
    ...(segment.kind === 'transition' ? { transitionKind: kind } : {}),
  }));
}

/** The final join: segments by stream copy, the narration as one track, music ducked, loudness set. */
export function finalPlanFor(
  request: VideoRenderRequest,
  frames: readonly number[],
  s: EncodeSettings,
  join: { listPath: string; totalMs: number },
  choices: CompositionChoices,
): FinalPlan {
  return {
    listPath: join.listPath,
    narration: request.scenes.map((scene, i) => ({
      audioPath: resolve(scene.audioPath),
      frames: frames[i]!,
    })),
    fps: s.fps,
    totalMs: join.totalMs,
    musicPath: request.musicPath ? resolve(request.musicPath) : undefined,
    musicVolumeDb: choices.musicVolumeDb ?? -12,
    duckRatio: choices.duckRatio ?? 10,
    ...(choices.loudnessLufs === null ? {} : { loudnessLufs: choices.loudnessLufs ?? -14 }),
    truePeakDb: choices.truePeakDb ?? -1,
    audioBitrate: s.audioBitrate,
  };
}
