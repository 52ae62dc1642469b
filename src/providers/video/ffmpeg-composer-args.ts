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
}

/** Ken Burns parameters for one segment. */
export interface MotionSettings {
  /** Extra zoom over the segment (0.08 = 8 %). */
  zoom: number;
  /** The still is scaled to this multiple of the frame first, so the slow pan does not jitter. */
  upscale: number;
}

/** Everything needed to render one scene segment. Paths are absolute except `assFile` (relative to the work dir). */
export interface SegmentPlan {
  /** Position of the scene in the request (drives the motion direction). */
  position: number;
  imagePath: string;
  audioPath: string;
  /** Exact number of video frames; the segment lasts `frames / fps` seconds. */
  frames: number;
  /** ASS file name inside the work dir, when captions are burned in. */
  assFile?: string;
  /** Fade from/to black (and audio fade) length at each edge; 0 disables. */
  fadeMs: number;
  /** Ken Burns motion, when wanted. */
  motion?: MotionSettings;
}

/** Seconds with millisecond precision, as FFmpeg option text. */
function sec(ms: number): string {
  return (Math.round(ms) / 1000).toFixed(3);
}

/** Duration of a segment in milliseconds (exact frame count over fps). */
export function segmentDurationMs(plan: SegmentPlan, settings: EncodeSettings): number {
  return (plan.frames * 1000) / settings.fps;
}

/**
 * The zoompan expressions for one segment: even positions zoom in, odd ones zoom out; the pan
 * runs along x for positions 0–1 and y for 2–3 (mod 4), reversing on odd positions. The pan stays
 * within the middle 40 % of the free margin (30 % → 70 %), so text near any edge of a card is
 * never cropped by more than 70 % of the zoom margin.
 */
export function motionExpressions(
  position: number,
  frames: number,
  zoom: number,
): { z: string; x: string; y: string } {
  const p = `on/${Math.max(1, frames - 1)}`;
  const zoomIn = position % 2 === 0;
  const z = zoomIn ? `1+${zoom}*${p}` : `1+${zoom}*(1-${p})`;
  const along = zoomIn ? p : `(1-${p})`;
  const panX = position % 4 < 2;
  const sweep = `(0.3+0.4*${along})`;
  const x = panX ? `(iw-iw/zoom)*${sweep}` : '(iw-iw/zoom)/2';
  const y = panX ? '(ih-ih/zoom)/2' : `(ih-ih/zoom)*${sweep}`;
  return { z, x, y };
}

/**
 * The video filter chain of a segment. The still is read once as a single frame, scaled and
 * padded to fit the frame (any aspect), converted to yuv420p with a BT.709 matrix, and only then
 * multiplied into frames (`tpad` clones, or `zoompan` for motion) — converting before raising the
 * frame count is much faster. Captions and fades come last.
 */
export function segmentVideoFilter(plan: SegmentPlan, s: EncodeSettings): string {
  const scaleTo = (w: number, h: number): string =>
    `scale=${w}:${h}:force_original_aspect_ratio=decrease:force_divisible_by=2:out_color_matrix=bt709:out_range=tv:flags=lanczos,format=yuv420p,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=black`;
  const parts: string[] = [];
  if (plan.motion) {
    const w = even(s.width * plan.motion.upscale);
    const h = even(s.height * plan.motion.upscale);
    const { z, x, y } = motionExpressions(plan.position, plan.frames, plan.motion.zoom);
    parts.push(
      scaleTo(w, h),
      `zoompan=z=${z}:x=${x}:y=${y}:d=${plan.frames}:s=${s.width}x${s.height}:fps=${s.fps}`,
    );
  } else {
    parts.push(scaleTo(s.width, s.height), `tpad=stop=${plan.frames - 1}:stop_mode=clone`);
  }
  parts.push('setsar=1');
  if (plan.assFile) parts.push(`ass=filename=${plan.assFile}`);
  const durMs = segmentDurationMs(plan, s);
  const fadeMs = Math.min(plan.fadeMs, durMs / 2);
  if (fadeMs > 0) {
    parts.push(`fade=t=in:st=0:d=${sec(fadeMs)}`, `fade=t=out:st=${sec(durMs - fadeMs)}:d=${sec(fadeMs)}`);
  }
  return parts.join(',');
}

/** The audio filter chain of a segment: 48 kHz stereo, padded or cut to the exact segment length, faded at the edges. */
export function segmentAudioFilter(plan: SegmentPlan, s: EncodeSettings): string {
  const durMs = segmentDurationMs(plan, s);
  const parts = [
    'aresample=48000',
    'aformat=sample_fmts=fltp:channel_layouts=stereo',
    `apad=whole_dur=${sec(durMs)}`,
    `atrim=end=${sec(durMs)}`,
  ];
  const fadeMs = Math.min(plan.fadeMs, durMs / 2);
  if (fadeMs > 0) {
    parts.push(`afade=t=in:st=0:d=${sec(fadeMs)}`, `afade=t=out:st=${sec(durMs - fadeMs)}:d=${sec(fadeMs)}`);
  }
  return parts.join(',');
}

/** The H.264 + AAC encoder arguments every segment shares (BT.709 tagged, yuv420p, 48 kHz stereo). */
export function encoderArgs(s: EncodeSettings): string[] {
  const rate = s.videoBitrate
    ? ['-b:v', s.videoBitrate, '-maxrate', s.videoBitrate, '-bufsize', doubleRate(s.videoBitrate)]
    : ['-crf', String(s.crf)];
  return [
    ['-c:v', 'libx264', '-preset', s.preset, ...rate, '-pix_fmt', 'yuv420p', '-profile:v', 'high'],
    ['-g', String(Math.round(s.fps * 2)), '-r', String(s.fps)],
    ['-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv'],
    ['-c:a', 'aac', '-b:a', s.audioBitrate, '-ar', '48000', '-ac', '2'],
  ].flat();
}

/** Full argument list (after runFfmpeg's base arguments) rendering one segment into `outPath`. */
export function segmentArgs(plan: SegmentPlan, s: EncodeSettings, outPath: string): string[] {
  const graph = `[0:v]${segmentVideoFilter(plan, s)}[v];[1:a]${segmentAudioFilter(plan, s)}[a]`;
  return [
    ['-framerate', String(s.fps), '-i', plan.imagePath, '-i', plan.audioPath],
    ['-filter_complex', graph, '-map', '[v]', '-map', '[a]'],
    encoderArgs(s),
    ['-frames:v', String(plan.frames), '-f', 'mp4', outPath],
  ].flat();
}

/** Options of the final join. */
export interface FinalPlan {
  /** Concat-demuxer list file (absolute). */
  listPath: string;
  /** Total duration, for the music fade-out. */
  totalMs: number;
  /** Background music, looped under the narration. */
  musicPath?: string;
  /** Music level under the voice, in dB. */
  musicVolumeDb: number;
  audioBitrate: string;
}

/**
 * Joins segments without re-encoding video. Without music the whole stream is copied; with music
 * only the audio is re-encoded (the music is looped, lowered by `musicVolumeDb`, faded out over
 * the last second, and mixed under the narration).
 */
export function finalArgs(plan: FinalPlan, outPath: string): string[] {
  const input = ['-f', 'concat', '-safe', '0', '-i', plan.listPath];
  const tail = ['-movflags', '+faststart', '-f', 'mp4', outPath];
  if (!plan.musicPath) return [...input, '-map', '0:v', '-map', '0:a', '-c', 'copy', ...tail];
  const fadeSec = Math.min(1000, plan.totalMs / 2);
  const music = [
    'aresample=48000',
    'aformat=sample_fmts=fltp:channel_layouts=stereo',
    `volume=${plan.musicVolumeDb}dB`,
    `afade=t=out:st=${sec(plan.totalMs - fadeSec)}:d=${sec(fadeSec)}`,
  ].join(',');
  const graph = `[1:a]${music}[m];[0:a][m]amix=inputs=2:duration=first:dropout_transition=0:normalize=0[a]`;
  return [
    ...input,
    ...['-stream_loop', '-1', '-i', plan.musicPath, '-filter_complex', graph],
    ...[
      '-map',
      '0:v',
      '-map',
      '[a]',
      '-c:v',
      'copy',
      '-c:a',
      'aac',
      '-b:a',
      plan.audioBitrate,
      '-ar',
      '48000',
      '-ac',
      '2',
    ],
    ...tail,
  ];
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
