import { sceneAudioFilter } from './ffmpeg-composer-args.js';

/** Options of the final join. */
export interface FinalPlan {
  /** Concat-demuxer list of the video segments (absolute). */
  listPath: string;
  /** Each scene's narration (absolute path) and exact frame count, in order. */
  narration: readonly { audioPath: string; frames: number }[];
  fps: number;
  /** Total duration, for the music fade-out. */
  totalMs: number;
  /** Background music, looped under the narration. */
  musicPath?: string;
  /** Music level in the pauses of the narration, in dB (it ducks further under speech). */
  musicVolumeDb: number;
  /** How much the music ducks under speech: side-chain compression ratio. */
  duckRatio: number;
  /** Integrated loudness of the final mix in LUFS; `undefined` keeps the levels. */
  loudnessLufs?: number;
  /** Highest true peak of the final mix, dBTP. */
  truePeakDb: number;
  audioBitrate: string;
}

/** Seconds with millisecond precision, as FFmpeg option text. */
function sec(ms: number): string {
  return (Math.round(ms) / 1000).toFixed(3);
}

/**
 * The audio graph of the final join, ending in `[a]`. The scenes' narrations are joined into one
 * continuous track, each padded to its scene's exact length ({@link sceneAudioFilter}) — the
 * video's transitions never cut the audio, so there are no gaps or clicks at the joins. The music
 * (looped, at `musicVolumeDb`, faded out over the last second) is ducked by side-chain
 * compression keyed by the narration — it drops under speech and comes back up in the pauses —
 * then mixed under the voice. The mix is normalised to `loudnessLufs` integrated with a true-peak
 * ceiling by `loudnorm` (which works at 192 kHz; the result is resampled back to 48 kHz).
 * Input 0 is the video; inputs 1…N the narrations; input N+1 the music.
 */
export function finalAudioGraph(plan: FinalPlan): string {
  const norm =
    plan.loudnessLufs === undefined
      ? ''
      : `,loudnorm=I=${plan.loudnessLufs}:TP=${(plan.truePeakDb - 0.5).toFixed(1)}:LRA=11,aresample=48000`;
  const fmt = 'aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo';
  const n = plan.narration.length;
  const parts = plan.narration.map((s, i) => `[${i + 1}:a]${sceneAudioFilter(s.frames, plan.fps)}[n${i}]`);
  const labels = plan.narration.map((_, i) => `[n${i}]`).join('');
  parts.push(
    `${labels}concat=n=${n}:v=0:a=1,${fmt}${plan.musicPath ? '' : norm}${plan.musicPath ? '[narr]' : '[a]'}`,
  );
  if (!plan.musicPath) return parts.join(';');
  const fadeSec = Math.min(1000, plan.totalMs / 2);
  const music = [
    'aresample=48000',
    fmt,
    `volume=${plan.musicVolumeDb}dB`,
    `afade=t=out:st=${sec(plan.totalMs - fadeSec)}:d=${sec(fadeSec)}`,
  ].join(',');
  return [
    ...parts,
    '[narr]asplit=2[voice][key]',
    `[${n + 1}:a]${music}[music]`,
    `[music][key]sidechaincompress=threshold=0.01:ratio=${plan.duckRatio}:attack=20:release=400:makeup=1[ducked]`,
    `[voice][ducked]amix=inputs=2:duration=first:dropout_transition=0:normalize=0${norm}[a]`,
  ].join(';');
}

/**
 * Joins the video segments with the concat demuxer by stream copy — the video is never
 * re-encoded, however many transitions there are — and muxes the narration track (with music and
 * loudness normalisation, {@link finalAudioGraph}) encoded once as AAC.
 */
export function finalArgs(plan: FinalPlan, outPath: string): string[] {
  const narration = plan.narration.flatMap((s) => ['-i', s.audioPath]);
  const music = plan.musicPath ? ['-stream_loop', '-1', '-i', plan.musicPath] : [];
  return [
    ...['-f', 'concat', '-safe', '0', '-i', plan.listPath],
    ...narration,
    ...music,
    ...['-filter_complex', finalAudioGraph(plan), '-map', '0:v', '-map', '[a]', '-c:v', 'copy'],
    ...['-c:a', 'aac', '-b:a', plan.audioBitrate, '-ar', '48000', '-ac', '2'],
    ...['-movflags', '+faststart', '-f', 'mp4', outPath],
  ];
}
