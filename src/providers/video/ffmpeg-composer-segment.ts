import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { Clock } from '../../domain/clock.js';
import { produceAtomically, sha256File, writeFileAtomic } from '../media/atomic-file.js';
import { runFfmpeg } from '../media/ffmpeg-process.js';
import { type EncodeSettings, type SegmentPlan, segmentArgs } from './ffmpeg-composer-args.js';

/** Bump when the segment recipe changes, so old checkpoints are not reused. */
const RECIPE_VERSION = 4;

/** The sidecar written next to a finished segment: what it was made from. */
export interface SegmentSidecar {
  /** SHA-256 over the input files' hashes, the captions and every encoding parameter. */
  key: string;
  /** Size of the segment file when it was finished (a truncated file is not reused). */
  sizeBytes: number;
}

/**
 * The checkpoint key of a segment: a SHA-256 of the stills' bytes, the caption script and the plan
 * and encoder settings (paths excluded, so moving the inputs does not invalidate it). Segments are
 * video only: a changed narration does not invalidate them.
 */
export async function segmentKey(
  plan: SegmentPlan,
  settings: EncodeSettings,
  assText: string | undefined,
  signal?: AbortSignal,
): Promise<string> {
  const images = await Promise.all(plan.views.map((v) => sha256File(v.imagePath, signal)));
  const params = { ...plan, views: plan.views.map(({ imagePath: _i, ...view }) => view) };
  const material = JSON.stringify({
    v: RECIPE_VERSION,
    images,
    assText: assText ?? null,
    params,
    settings,
  });
  return createHash('sha256').update(material).digest('hex');
}

/** True when `outPath` exists, its sidecar holds `key`, and its size matches the sidecar. */
export async function isReusable(outPath: string, sidecarPath: string, key: string): Promise<boolean> {
  try {
    const sidecar = JSON.parse(await readFile(sidecarPath, 'utf8')) as Partial<SegmentSidecar>;
    if (sidecar.key !== key) return false;
    return (await stat(outPath)).size === sidecar.sizeBytes;
  } catch {
    return false;
  }
}

/** Options of {@link renderSegment}. */
export interface RenderSegmentOptions {
  ffmpegPath: string;
  /** Work dir: FFmpeg runs there so the caption file name needs no escaping. */
  cwd: string;
  signal: AbortSignal;
  onProgress: (outTimeMs: number) => void;
  onSpawn?: (pid: number) => void;
  /** CPU priority of the FFmpeg process (POSIX nice). @default 0 */
  niceness?: number;
  progressIntervalMs: number;
  clock: Clock;
}

/**
 * Renders one segment atomically (temporary file, then rename) and then writes its sidecar, so a
 * crash or abort at any point leaves either a complete, reusable segment or none.
 */
export async function renderSegment(
  plan: SegmentPlan,
  settings: EncodeSettings,
  paths: { outPath: string; sidecarPath: string; key: string },
  options: RenderSegmentOptions,
): Promise<void> {
  await produceAtomically(paths.outPath, (temp) =>
    runFfmpeg(segmentArgs(plan, settings, temp), {
      ffmpegPath: options.ffmpegPath,
      cwd: options.cwd,
      signal: options.signal,
      durationMs: (plan.frames * 1000) / settings.fps,
      onProgress: (p) => options.onProgress(p.outTimeMs),
      onSpawn: options.onSpawn,
      ...(options.niceness === undefined ? {} : { niceness: options.niceness }),
      progressIntervalMs: options.progressIntervalMs,
      clock: options.clock,
    }),
  );
  const sidecar: SegmentSidecar = { key: paths.key, sizeBytes: (await stat(paths.outPath)).size };
  await writeFileAtomic(paths.sidecarPath, `${JSON.stringify(sidecar)}\n`);
}
