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
  /** How far the view travels across the still, as a fraction of the frame width (0.12 = 12 %). */
  travel: number;
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
 */
export function panPlan(
  position: number,
  frames: number,
  s: { width: number; height: number },
  travel: number,
): PanPlan {
  const vertical = position % 4 >= 2;
  const along = vertical ? s.height : s.width;
  const distance = Math.max(0, Math.min(frames - 1, Math.round(along * travel)));
  const marginW = vertical ? Math.ceil((distance * s.width) / s.height) : distance;
  const width = even(s.width + marginW + 1);
  const height = even((width * s.height) / s.width + 1);
  const hold = Math.floor((frames - 1 - distance) / 2);
  const step = `clip(n-${hold},0,${distance})`;
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
 * The video filter chain of a segment. The still is read once as a single frame, scaled and
 * padded to fit the frame (any aspect), converted to yuv420p with a BT.709 matrix, and only then
 * multiplied into frames (`tpad` clones) — converting before raising the frame count is much
 * faster. Motion crops a moving window out of the clones ({@link panPlan}; `crop` only moves
 * pointers, so it costs nothing). Captions and fades come last.
 */
export function segmentVideoFilter(plan: SegmentPlan, s: EncodeSettings): string {
  const scaleTo = (w: number, h: number): string =>
    `scale=${w}:${h}:force_original_aspect_ratio=decrease:force_divisible_by=2:out_color_matrix=bt709:out_range=tv:flags=lanczos,format=yuv420p,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=black`;
  const parts: string[] = [];
  if (plan.motion) {
    const pan = panPlan(plan.position, plan.frames, s, plan.motion.travel);
    parts.push(
      scaleTo(pan.width, pan.height),
      `tpad=stop=${plan.frames - 1}:stop_mode=clone`,
      `crop=w=${s.width}:h=${s.height}:x='${pan.x}':y='${pan.y}':exact=1`,
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
  /** Music level in the pauses of the narration, in dB (it ducks further under speech). */
  musicVolumeDb: number;
  /** How much the music ducks under speech: side-chain compression ratio. */
  duckRatio: number;
  /** Integrated loudness of the final mix in LUFS; `undefined` keeps the levels (and copies the audio). */
  loudnessLufs?: number;
  /** Highest true peak of the final mix, dBTP. */
  truePeakDb: number;
  audioBitrate: string;
}

/**
 * The audio graph of the final join. The music (looped, at `musicVolumeDb`, faded out over the
 * last second) is ducked by side-chain compression keyed by the narration — it drops under speech
 * and comes back up in the pauses — then mixed under the voice. The mix is normalised to
 * `loudnessLufs` integrated with a true-peak ceiling by `loudnorm` (which works at 192 kHz; the
 * result is resampled back to 48 kHz). `undefined` when there is nothing to do.
 */
export function finalAudioGraph(plan: FinalPlan): string | undefined {
  const norm =
    plan.loudnessLufs === undefined
      ? ''
      : `,loudnorm=I=${plan.loudnessLufs}:TP=${(plan.truePeakDb - 0.5).toFixed(1)}:LRA=11,aresample=48000`;
  const fmt = 'aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo';
  if (!plan.musicPath) return norm ? `[0:a]${fmt}${norm}[a]` : undefined;
  const fadeSec = Math.min(1000, plan.totalMs / 2);
  const music = [
    'aresample=48000',
    fmt,
    `volume=${plan.musicVolumeDb}dB`,
    `afade=t=out:st=${sec(plan.totalMs - fadeSec)}:d=${sec(fadeSec)}`,
  ].join(',');
  return [
    `[0:a]${fmt},asplit=2[voice][key]`,
    `[1:a]${music}[music]`,
    `[music][key]sidechaincompress=threshold=0.01:ratio=${plan.duckRatio}:attack=20:release=400:makeup=1[ducked]`,
    `[voice][ducked]amix=inputs=2:duration=first:dropout_transition=0:normalize=0${norm}[a]`,
  ].join(';');
}

/**
 * Joins segments without re-encoding video (stream copy). The audio is re-encoded only when there
 * is music to duck and mix or loudness to normalise ({@link finalAudioGraph}); otherwise the whole
 * stream is copied.
 */
export function finalArgs(plan: FinalPlan, outPath: string): string[] {
  const input = ['-f', 'concat', '-safe', '0', '-i', plan.listPath];
  const tail = ['-movflags', '+faststart', '-f', 'mp4', outPath];
  const graph = finalAudioGraph(plan);
  if (!graph) return [...input, '-map', '0:v', '-map', '0:a', '-c', 'copy', ...tail];
  const music = plan.musicPath ? ['-stream_loop', '-1', '-i', plan.musicPath] : [];
  return [
    ...input,
    ...music,
    ...['-filter_complex', graph, '-map', '0:v', '-map', '[a]', '-c:v', 'copy'],
    ...['-c:a', 'aac', '-b:a', plan.audioBitrate, '-ar', '48000', '-ac', '2'],
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
