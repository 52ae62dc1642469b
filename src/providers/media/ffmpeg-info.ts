import { ReelayError } from '../../domain/errors.js';
import { exitFailure, FFMPEG_PROVIDER, spawnFailure } from './media-errors.js';
import { mediaToolPaths } from './media-tools.js';
import { runProcess } from './run-process.js';

/** What is installed: versions and the filter and encoder names FFmpeg was built with. */
export interface FfmpegInfo {
  /** e.g. `5.1.9-0+deb12u1`. */
  ffmpegVersion: string;
  ffprobeVersion: string;
  filters: ReadonlySet<string>;
  encoders: ReadonlySet<string>;
}

/** Options of {@link detectFfmpeg}. */
export interface DetectFfmpegOptions {
  /** @default 'ffmpeg' */
  ffmpegPath?: string;
  /** @default 'ffprobe' */
  ffprobePath?: string;
  signal?: AbortSignal;
  /** Ignore the cached answer and ask the binaries again. @default false */
  refresh?: boolean;
}

/** What a caller needs from FFmpeg, for {@link requireFfmpeg}. */
export interface FfmpegRequirements {
  filters?: readonly string[];
  encoders?: readonly string[];
}

const cache = new Map<string, Promise<FfmpegInfo>>();

/**
 * Finds the FFmpeg and FFprobe versions and the filters and encoders available (cached per pair
 * of paths; a failed detection is not cached).
 *
 * @example
 * const info = await detectFfmpeg();
 * if (!info.encoders.has('libx264')) throw new Error('no H.264');
 */
export function detectFfmpeg(options: DetectFfmpegOptions = {}): Promise<FfmpegInfo> {
  const ffmpegPath = options.ffmpegPath ?? mediaToolPaths().ffmpeg;
  const ffprobePath = options.ffprobePath ?? mediaToolPaths().ffprobe;
  const key = `${ffmpegPath}\0${ffprobePath}`;
  const cached = cache.get(key);
  if (cached && !options.refresh) return cached;
  const pending = detect(ffmpegPath, ffprobePath, options.signal);
  cache.set(key, pending);
  pending.catch(() => {
    if (cache.get(key) === pending) cache.delete(key);
  });
  return pending;
}

/**
 * Runs {@link detectFfmpeg} ahead of need, so that its answer is cached before the first job: a
 * worker calls it at start. Spawning the four probes blocks the event loop (each `spawn` forks
 * synchronously), which inside a job's pre-flight delays that job's first events. Resolves `true`
 * when detection succeeded, `false` when it failed or took longer than `limitMs` (then nothing is
 * cached and the first pre-flight detects again and reports the failure as before).
 */
export async function warmUpFfmpegInfo(
  options: Omit<DetectFfmpegOptions, 'signal' | 'refresh'> & { limitMs?: number } = {},
): Promise<boolean> {
  const { limitMs = 10_000, ...paths } = options;
  try {
    await detectFfmpeg({ ...paths, signal: AbortSignal.timeout(limitMs) });
    return true;
  } catch {
    return false;
  }
}

/**
 * Pre-flight check: resolves with the detected info when every required filter and encoder is
 * present, else rejects with a `REELAY_ERR_PREFLIGHT` error listing what is missing and how to fix it.
 */
export async function requireFfmpeg(
  requirements: FfmpegRequirements,
  options: DetectFfmpegOptions = {},
): Promise<FfmpegInfo> {
  let info: FfmpegInfo;
  try {
    info = await detectFfmpeg(options);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ReelayError('REELAY_ERR_PREFLIGHT', `FFmpeg pre-flight check failed: ${errorText(error)}`, {
      cause: error,
      category: 'system_error',
      provider: FFMPEG_PROVIDER,
    });
  }
  const missingFilters = (requirements.filters ?? []).filter((f) => !info.filters.has(f));
  const missingEncoders = (requirements.encoders ?? []).filter((e) => !info.encoders.has(e));
  if (missingFilters.length > 0 || missingEncoders.length > 0) {
    const parts = [
      missingEncoders.length > 0 ? `encoders ${missingEncoders.join(', ')}` : '',
      missingFilters.length > 0 ? `filters ${missingFilters.join(', ')}` : '',
    ].filter(Boolean);
    throw new ReelayError(
      'REELAY_ERR_PREFLIGHT',
      `FFmpeg ${info.ffmpegVersion} lacks ${parts.join(' and ')}; install a full build (Debian/Ubuntu: apt-get install ffmpeg).`,
      { category: 'system_error', provider: FFMPEG_PROVIDER, details: { missingFilters, missingEncoders } },
    );
  }
  return info;
}

/** Runs `<tool> -version` and returns the version word of its first line. */
export async function toolVersion(
  tool: 'ffmpeg' | 'ffprobe',
  toolPath: string,
  signal?: AbortSignal,
): Promise<string> {
  return parseVersion(await capture(tool, toolPath, ['-version'], signal));
}

/** Parses the version out of `ffmpeg -version` output (`ffmpeg version 5.1.9-0+deb12u1 Copyright …`). */
export function parseVersion(output: string): string {
  return output.match(/version\s+(\S+)/)?.[1] ?? 'unknown';
}

/**
 * Parses the name column of `ffmpeg -filters` or `ffmpeg -encoders`: lines made of a flags column
 * and a name, after the legend (encoders: after the ` ------` line).
 */
export function parseNameList(output: string): Set<string> {
  const names = new Set<string>();
  const lines = output.split('\n');
  const dashes = lines.findIndex((l) => l.trim() === '------');
  for (const line of lines.slice(dashes + 1)) {
    const match = line.match(/^\s([A-Z.|]{3,6})\s+(\S+)\s/);
    if (match?.[2] && match[2] !== '=') names.add(match[2]);
  }
  return names;
}

async function detect(ffmpegPath: string, ffprobePath: string, signal?: AbortSignal): Promise<FfmpegInfo> {
  // Settle every probe, then report in a fixed order (FFmpeg before FFprobe): the first probe to
  // fail must not decide which tool the message names when both are missing.
  const settled = await Promise.allSettled([
    toolVersion('ffmpeg', ffmpegPath, signal),
    toolVersion('ffprobe', ffprobePath, signal),
    capture('ffmpeg', ffmpegPath, ['-hide_banner', '-filters'], signal),
    capture('ffmpeg', ffmpegPath, ['-hide_banner', '-encoders'], signal),
  ]);
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  if (failures.length > 0) throw combinedFailure(failures);
  const [ffmpegVersion, ffprobeVersion, filters, encoders] = settled.map((s) =>
    s.status === 'fulfilled' ? s.value : '',
  ) as [string, string, string, string];
  return {
    ffmpegVersion,
    ffprobeVersion,
    filters: parseNameList(filters),
    encoders: parseNameList(encoders),
  };
}

async function capture(
  tool: string,
  toolPath: string,
  args: string[],
  signal?: AbortSignal,
): Promise<string> {
  let outcome: Awaited<ReturnType<typeof runProcess>>;
  try {
    outcome = await runProcess(toolPath, args, { signal, collectStdout: true });
  } catch (error) {
    throw spawnFailure(tool, toolPath, error);
  }
  if (outcome.exitCode !== 0)
    throw exitFailure(tool, outcome.exitCode, outcome.exitSignal, outcome.stderrTail);
  return outcome.stdout;
}

/** One failure as it is; several as the first (FFmpeg's) with every distinct message joined. */
function combinedFailure(failures: unknown[]): unknown {
  const first = failures[0];
  const messages = [...new Set(failures.map(errorText))];
  if (messages.length === 1 || !(first instanceof ReelayError)) return first;
  return new ReelayError(first.code, messages.join(' '), {
    cause: first,
    ...(first.category ? { category: first.category } : {}),
    retryable: first.retryable,
    provider: FFMPEG_PROVIDER,
    details: first.details,
  });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
