/** Ken Burns parameters for one scene. */
export interface MotionSettings {
  /** How far the view travels across the still, as a fraction of the frame width (0.12 = 12 %). */
  travel: number;
}

/** One scene as the timeline sees it: its still, its exact frame count and its place in the request. */
export interface TimelineScene {
  /** The scene's `index` (names its segment). */
  index: number;
  /** Position in the request (drives the motion direction). */
  position: number;
  /** Absolute path of the still. */
  imagePath: string;
  /** Exact number of frames the scene lasts. */
  frames: number;
}

/** A stretch of one scene's picture shown in a segment. */
export interface SceneView {
  /** Position of the scene in the request (drives the motion direction). */
  position: number;
  imagePath: string;
  /** The scene's whole frame count (the pan is planned over it). */
  sceneFrames: number;
  /** Scene frame shown at the segment's first frame (negative before the scene starts, beyond its end after). */
  offset: number;
}

/**
 * One video segment of the timeline: either the body of a scene (one view) or the crossfade
 * between two scenes (two views blended by `xfade`). Segments are video only; the narration is
 * joined once for the whole video in the final step.
 */
export interface TimelineSegment {
  /** File stem inside the work dir: `segment-<index>` or `transition-<a>-<b>`. */
  name: string;
  kind: 'scene' | 'transition';
  /** Index of the scene (body) or of the scene before the transition. */
  sceneIndex: number;
  /** First frame of the segment on the video's timeline. */
  startFrame: number;
  /** Exact number of frames. */
  frames: number;
  /** One view for a body, two (outgoing, incoming) for a transition. */
  views: SceneView[];
  /** Fade from black over this many frames at the start (the video's very first segment). */
  fadeInFrames: number;
  /** Fade to black over this many frames at the end (the video's very last segment). */
  fadeOutFrames: number;
}

/** Options of {@link planTimeline}. */
export interface TimelineOptions {
  /** Wanted crossfade length in frames (shortened to fit short scenes; under 2 means hard cuts). */
  transitionFrames: number;
  /** Fade from black at the start and to black at the end, in frames (0 disables). */
  edgeFadeFrames: number;
}

/**
 * Splits the video into segments that can render in parallel and join by stream copy. Each
 * crossfade is centred on the cut between two scenes: it takes `⌊T/2⌋` frames from the end of the
 * outgoing scene and `⌈T/2⌉` from the start of the incoming one, and the scene bodies lose those
 * frames — so the video keeps its length, each scene keeps its place, and only the `T` frames of
 * each transition are rendered twice-blended (the rest is rendered once). The crossfade length is
 * cut to the shortest scene's half, so every body keeps at least one frame.
 */
export function planTimeline(scenes: readonly TimelineScene[], options: TimelineOptions): TimelineSegment[] {
  const shortest = Math.min(...scenes.map((s) => s.frames));
  let t = Math.min(Math.max(0, Math.round(options.transitionFrames)), Math.floor(shortest / 2));
  if (scenes.length < 2 || t < 2) t = 0;
  const before = Math.floor(t / 2);
  const after = t - before;
  const view = (s: TimelineScene, offset: number): SceneView => ({
    position: s.position,
    imagePath: s.imagePath,
    sceneFrames: s.frames,
    offset,
  });
  const segments: TimelineSegment[] = [];
  let start = 0;
  scenes.forEach((scene, i) => {
    const head = i > 0 ? after : 0;
    const tail = i < scenes.length - 1 ? before : 0;
    const frames = scene.frames - head - tail;
    segments.push({
      name: `segment-${scene.index}`,
      kind: 'scene',
      sceneIndex: scene.index,
      startFrame: start + head,
      frames,
      views: [view(scene, head)],
      fadeInFrames: i === 0 ? Math.min(options.edgeFadeFrames, Math.floor(frames / 2)) : 0,
      fadeOutFrames: i === scenes.length - 1 ? Math.min(options.edgeFadeFrames, Math.floor(frames / 2)) : 0,
    });
    const next = scenes[i + 1];
    if (next && t > 0) {
      segments.push({
        name: `transition-${scene.index}-${next.index}`,
        kind: 'transition',
        sceneIndex: scene.index,
        startFrame: start + scene.frames - before,
        frames: t,
        views: [view(scene, scene.frames - before), view(next, -before)],
        fadeInFrames: 0,
        fadeOutFrames: 0,
      });
    }
    start += scene.frames;
  });
  return segments;
}

/** `xfade` transitions offered for crossfades (a safe subset of FFmpeg's list). */
export const TRANSITION_KINDS = [
  'fade',
  'dissolve',
  'fadeblack',
  'fadewhite',
  'wipeleft',
  'wiperight',
  'wipeup',
  'wipedown',
  'slideleft',
  'slideright',
  'slideup',
  'slidedown',
  'circleopen',
  'circleclose',
  'smoothleft',
  'smoothright',
  'radial',
] as const;

/** One of {@link TRANSITION_KINDS}. */
export type TransitionKind = (typeof TRANSITION_KINDS)[number];
