import type {
  MotionSettings,
  SceneView,
  TimelineSegment,
  TransitionKind,
} from './ffmpeg-composer-timeline.js';
import { type MotionEncoding, segmentCrf, x264Params } from './x264-tuning.js';

/** Encoder settings shared by every segment, so segments join with `-c copy`. */
export interface EncodeSettings {
  width: number;
  height: number;
  fps: number;
  /** libx264 preset. */
  preset: string;
  /** Constant-quality factor, used when `videoBitrate` is absent. */
  crf: number;
  /** Target video bitrate (e.g. `5000k`); when set it replaces CRF. */
  videoBitrate?: string;
  /** AAC bitrate, e.g. `192k`. */
  audioBitrate: string;
  /** x264 analysis of moving segments (full-pel search); absent = the preset's analysis everywhere. */
  motionEncoding?: MotionEncoding;
}

/** Everything needed to render one video segment. `assFile` is relative to the work dir. */
export interface SegmentPlan extends TimelineSegment {
  /** ASS file name inside the work dir, when captions are burned in. */
  assFile?: string;
  /** Ken Burns motion, when wanted. */
  motion?: MotionSettings;
  /** `xfade` transition of a transition segment. @default 'fade' */
  transitionKind?: TransitionKind;
}

/** Duration of a segment in milliseconds (exact frame count over fps). */
export function segmentDurationMs(plan: { frames: number }, settings: { fps: number }): number {
  return (plan.frames * 1000) / settings.fps;
}

/** The pan of one segment: how far (whole pixels) and along which axis, and the crop expressions. */
export interface PanPlan {
  /** Pixels the view moves, one per frame. */
  distance: number;
  /** Size the still is scaled to (the frame plus the travel margin, same aspect). */
  width: number;
  height: number;
  /** `crop` position expressions (of the frame number `n`). */
  x: string;
  y: string;
}

/**
 * The Ken Burns pan of one segment. The still is scaled once to the frame plus a margin and a
 * frame-sized window moves across it by exactly one pixel per frame — the same step every frame,
 * so there is no stutter of uneven integer steps, and each frame is the previous one shifted by a
 * whole pixel, which the encoder predicts exactly (still, x264 spends more on moving frames than on
 * repeated ones: see the render benchmark).
 * The distance is `travel × width`, or the frame count when the scene is shorter; a longer scene
 * holds still for equal times at both ends. Even positions pan left to right, odd ones right to
 * left; positions 2–3 (mod 4) pan vertically (the margin scales with the frame's aspect).
 * `offset` is the scene frame shown at the segment's frame 0 (segments show parts of a scene).
 */
export function panPlan(
  position: number,
  frames: number,
  s: { width: number; height: number },
  travel: number,
  offset = 0,
): PanPlan {
  const vertical = position % 4 >= 2;
  const along = vertical ? s.height : s.width;
  const distance = Math.max(0, Math.min(frames - 1, Math.round(along * travel)));
  const marginW = vertical ? Math.ceil((distance * s.width) / s.height) : distance;
  const width = even(s.width + marginW + 1);
  const height = even((width * s.height) / s.width + 1);
  const hold = Math.floor((frames - 1 - distance) / 2);
  const shift = hold - offset;
  const step = `clip(n${shift >= 0 ? '-' : '+'}${Math.abs(shift)},0,${distance})`;
  const moving = position % 2 === 0 ? step : `${distance}-${step}`;
  const centreX = String(Math.floor((width - s.width) / 2));
  const centreY = String(Math.floor((height - s.height) / 2));
  return {
    distance,
    width,
    height,
    x: vertical ? centreX : moving,
    y: vertical ? moving : centreY,
  };
}

/**
 * The filter chain turning one still into the frames of a {@link SceneView}. The still is read
 * once as a single frame, scaled and padded to fit (any aspect), converted to yuv420p with a
 * BT.709 matrix, and only then multiplied into frames (`tpad` clones) — converting before raising
 * the frame count is much faster. Motion crops a moving window out of the clones ({@link panPlan};
 * `crop` only moves pointers, so it costs nothing).
 */
export function viewFilter(
  view: SceneView,
  frames: number,
  s: EncodeSettings,
  motion: MotionSettings | undefined,
): string {
  const scaleTo = (w: number, h: number): string =>
    `scale=${w}:${h}:force_original_aspect_ratio=decrease:force_divisible_by=2:out_color_matrix=bt709:out_range=tv:flags=lanczos,format=yuv420p,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=black`;
  const clones = `tpad=stop=${frames - 1}:stop_mode=clone`;
  if (!motion) return [scaleTo(s.width, s.height), clones, 'setsar=1'].join(',');
  const pan = panPlan(view.position, view.sceneFrames, s, motion.travel, view.offset);
  return [
    scaleTo(pan.width, pan.height),
    clones,
    `crop=w=${s.width}:h=${s.height}:x='${pan.x}':y='${pan.y}':exact=1`,
    'setsar=1',
  ].join(',');
}

/**
 * The filter graph of a segment, ending in `[v]`. A scene body is one view; a transition blends
 * the outgoing and incoming views with `xfade` over its whole length. Captions (already timed for
 * the segment) are burned after the blend, so they never fade with the picture; the video's first
 * and last segments fade from and to black.
 */
export function segmentGraph(plan: SegmentPlan, s: EncodeSettings): string {
  const tail: string[] = [];
  if (plan.assFile) tail.push(`ass=filename=${plan.assFile}`);
  const fps = s.fps;
  if (plan.fadeInFrames > 0) tail.push(`fade=t=in:s=0:n=${plan.fadeInFrames}`);
  if (plan.fadeOutFrames > 0)
    tail.push(`fade=t=out:s=${plan.frames - plan.fadeOutFrames}:n=${plan.fadeOutFrames}`);
  const [first, second] = plan.views;
  if (!first) throw new Error(`segment ${plan.name} shows no scene`);
  if (!second) {
    return `[0:v]${[viewFilter(first, plan.frames, s, plan.motion), ...tail].join(',')}[v]`;
  }
  const blend = `xfade=transition=${plan.transitionKind ?? 'fade'}:duration=${(plan.frames / fps).toFixed(6)}:offset=0`;
  return [
    `[0:v]${viewFilter(first, plan.frames, s, plan.motion)}[a]`,
    `[1:v]${viewFilter(second, plan.frames, s, plan.motion)}[b]`,
    `[a][b]${[blend, ...tail].join(',')}[v]`,
  ].join(';');
}

/**
 * The audio chain of one scene's narration in the final join: 48 kHz stereo, padded or cut to the
 * scene's exact length in samples (so the narration stays in step with the frames), with 10 ms
 * fades at both ends so a cut never clicks.
 */
export function sceneAudioFilter(frames: number, fps: number): string {
  const samples = Math.round((frames * 48_000) / fps);
  const durSec = samples / 48_000;
  const edge = Math.min(0.01, durSec / 4);
  return [
    'aresample=48000',
    'aformat=sample_fmts=fltp:channel_layouts=stereo',
    `apad=whole_len=${samples}`,
    `atrim=end_sample=${samples}`,
    `afade=t=in:st=0:d=${edge.toFixed(3)}`,
    `afade=t=out:st=${(durSec - edge).toFixed(6)}:d=${edge.toFixed(3)}`,
  ].join(',');
}

/**
 * The H.264 arguments every segment shares (BT.709 tagged, yuv420p, one keyframe interval), so
 * segments — scene bodies and transitions alike — join by stream copy. With a `videoBitrate` the
 * rate is capped CRF (`-crf` with `-maxrate`/`-bufsize`): quality-driven, never above the
 * bitrate. A plain bitrate target would spend the whole budget on every frame (near-lossless
 * quantisers on a still), which costs most on moving frames and only grows the file.
 * A `moving` segment gets the full-pel search of `s.motionEncoding` ({@link x264Params},
 * {@link segmentCrf}); every segment is `stitchable`, so the headers stay the same either way.
 */
export function encoderArgs(s: EncodeSettings, moving = false): string[] {
  const cap = s.videoBitrate ? ['-maxrate', s.videoBitrate, '-bufsize', doubleRate(s.videoBitrate)] : [];
  const crf = String(segmentCrf(s.crf, moving, s.motionEncoding));
  return [
    ['-c:v', 'libx264', '-preset', s.preset, '-crf', crf, ...cap],
    ['-x264-params', x264Params(moving, s.motionEncoding)],
    ['-pix_fmt', 'yuv420p', '-profile:v', 'high'],
    ['-g', String(Math.round(s.fps * 2)), '-r', String(s.fps)],
    ['-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv'],
  ].flat();
}

/** Full argument list (after runFfmpeg's base arguments) rendering one video-only segment into `outPath`. */
export function segmentArgs(plan: SegmentPlan, s: EncodeSettings, outPath: string): string[] {
  const inputs = plan.views.flatMap((v) => ['-framerate', String(s.fps), '-i', v.imagePath]);
  return [
    inputs,
    ['-filter_complex', segmentGraph(plan, s), '-map', '[v]', '-an'],
    encoderArgs(s, isMoving(plan)),
    ['-frames:v', String(plan.frames), '-f', 'mp4', outPath],
  ].flat();
}

/** True when the segment's picture pans (motion on and at least one view travels). */
export function isMoving(plan: SegmentPlan): boolean {
  return plan.motion !== undefined && plan.motion.travel > 0;
}

/** A concat-demuxer list naming files relative to the list's directory. */
export function concatList(fileNames: readonly string[]): string {
  return `ffconcat version 1.0\n${fileNames.map((f) => `file '${f.replace(/'/g, "'\\''")}'`).join('\n')}\n`;
}

function even(n: number): number {
  return Math.max(2, Math.round(n / 2) * 2);
}

function doubleRate(rate: string): string {
  const match = rate.match(/^(\d+(?:\.\d+)?)([kKmM]?)$/);
  return match ? `${Number(match[1]) * 2}${match[2]}` : rate;
}
