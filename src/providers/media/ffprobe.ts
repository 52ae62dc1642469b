import { ReelayError } from '../../domain/errors.js';
import { exitFailure, FFMPEG_PROVIDER, spawnFailure } from './media-errors.js';
import { mediaToolPaths } from './media-tools.js';
import { runProcess } from './run-process.js';

/** The video stream facts {@link probeMedia} reports. */
export interface ProbedVideo {
  codec: string;
  width: number;
  height: number;
  /** Frames per second (from `r_frame_rate`, e.g. `30000/1001` → 29.97). */
  fps: number;
  pixFmt: string | undefined;
  colorSpace: string | undefined;
  colorPrimaries: string | undefined;
  colorTransfer: string | undefined;
}

/** The audio stream facts {@link probeMedia} reports. */
export interface ProbedAudio {
  codec: string;
  sampleRate: number;
  channels: number;
}

/** What {@link probeMedia} reads from a media file. */
export interface MediaInfo {
  /** Container duration in milliseconds (0 when unknown, e.g. a still image). */
  durationMs: number;
  sizeBytes: number;
  /** Container format, e.g. `mov,mp4,m4a,3gp,3g2,mj2`. */
  formatName: string;
  /** The first video stream, when there is one. */
  video?: ProbedVideo;
  /** The first audio stream, when there is one. */
  audio?: ProbedAudio;
}

/** Options of {@link probeMedia}. */
export interface ProbeOptions {
  /** FFprobe executable. @default mediaToolPaths().ffprobe */
  ffprobePath?: string;
  /** Working directory for relative paths. @default process.cwd() */
  cwd?: string;
}

interface RawStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  pix_fmt?: string;
  color_space?: string;
  color_primaries?: string;
  color_transfer?: string;
  sample_rate?: string;
  channels?: number;
}

interface RawProbe {
  streams?: RawStream[];
  format?: { duration?: string; size?: string; format_name?: string };
}

/**
 * Reads duration, size, format and the first video and audio streams of a media file with
 * `ffprobe -v error -print_format json -show_format -show_streams`.
 *
 * @example
 * const info = await probeMedia('out.mp4');
 * console.log(info.video?.width, info.durationMs);
 */
export async function probeMedia(
  path: string,
  signal?: AbortSignal,
  options: ProbeOptions = {},
): Promise<MediaInfo> {
  const ffprobePath = options.ffprobePath ?? mediaToolPaths().ffprobe;
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path];
  let outcome: Awaited<ReturnType<typeof runProcess>>;
  try {
    outcome = await runProcess(ffprobePath, args, { signal, cwd: options.cwd, collectStdout: true });
  } catch (error) {
    throw spawnFailure('ffprobe', ffprobePath, error);
  }
  if (outcome.exitCode !== 0) {
    const failure = exitFailure('ffprobe', outcome.exitCode, outcome.exitSignal, outcome.stderrTail);
    throw new ReelayError('REELAY_ERR_PROVIDER', `Cannot read media file "${path}": ${failure.message}`, {
      cause: failure,
      category: 'processing_error',
      provider: FFMPEG_PROVIDER,
      details: { ...failure.details, path },
    });
  }
  return parseProbeJson(outcome.stdout);
}

/** Parses ffprobe's JSON output (exported for tests and for callers that run ffprobe themselves). */
export function parseProbeJson(json: string): MediaInfo {
  const raw = JSON.parse(json) as RawProbe;
  const streams = raw.streams ?? [];
  const v = streams.find((s) => s.codec_type === 'video');
  const a = streams.find((s) => s.codec_type === 'audio');
  const info: MediaInfo = {
    durationMs: Math.round(Number(raw.format?.duration ?? 0) * 1000) || 0,
    sizeBytes: Number(raw.format?.size ?? 0) || 0,
    formatName: raw.format?.format_name ?? 'unknown',
  };
  if (v) {
    info.video = {
      codec: v.codec_name ?? 'unknown',
      width: v.width ?? 0,
      height: v.height ?? 0,
      fps: parseRate(v.r_frame_rate) || parseRate(v.avg_frame_rate),
      pixFmt: v.pix_fmt,
      colorSpace: v.color_space,
      colorPrimaries: v.color_primaries,
      colorTransfer: v.color_transfer,
    };
  }
  if (a) {
    info.audio = {
      codec: a.codec_name ?? 'unknown',
      sampleRate: Number(a.sample_rate ?? 0),
      channels: a.channels ?? 0,
    };
  }
  return info;
}

function parseRate(rate: string | undefined): number {
  if (!rate) return 0;
  const [num, den] = rate.split('/').map(Number);
  if (num === undefined || !Number.isFinite(num)) return 0;
  if (den === undefined) return num;
  return den > 0 && Number.isFinite(den) ? num / den : 0;
}
