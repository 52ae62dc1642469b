import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type Clock, systemClock } from '../../domain/clock.js';
import { ReelayError } from '../../domain/errors.js';
import type { Logger } from '../../domain/logger.js';
import { silentLogger } from '../../domain/logger.js';
import type {
  CostModel,
  HealthReport,
  ProviderCallContext,
  ProviderCapabilities,
  VideoProvider,
  VideoRenderRequest,
  VideoRenderResult,
} from '../../domain/provider.js';
import { produceAtomically, writeFileAtomic } from '../media/atomic-file.js';
import { requireFfmpeg, toolVersion } from '../media/ffmpeg-info.js';
import { runFfmpeg } from '../media/ffmpeg-process.js';
import { probeMedia } from '../media/ffprobe.js';
import { mediaNiceness, mediaToolPaths } from '../media/media-tools.js';
import { concatList, type EncodeSettings, type SegmentPlan } from './ffmpeg-composer-args.js';
import { finalArgs } from './ffmpeg-composer-final.js';
import { assertInputsReadable, validateRenderRequest } from './ffmpeg-composer-inputs.js';
import { encodeSettingsFor, finalPlanFor, planSegments, sceneFrames } from './ffmpeg-composer-plan.js';
import { RenderProgress } from './ffmpeg-composer-progress.js';
import { isReusable, renderSegment, segmentKey } from './ffmpeg-composer-segment.js';
import { TRANSITION_KINDS, type TransitionKind } from './ffmpeg-composer-timeline.js';
import { runSegmentPool } from './segment-pool.js';
import { parseSrt, type SubtitleCue, sliceCues } from './subtitles.js';
import { type AssStyleOptions, toAss } from './subtitles-ass.js';

/** What the composer needs from FFmpeg (checked before rendering and by the health check). */
export const COMPOSER_REQUIREMENTS = {
  encoders: ['libx264', 'aac'],
  filters: [
    'ass',
    'crop',
    'tpad',
    'fade',
    'xfade',
    'concat',
    'afade',
    'apad',
    'amix',
    'scale',
    'pad',
    'sidechaincompress',
    'loudnorm',
  ],
} as const;

/** Options of {@link FfmpegComposer}. */
export interface FfmpegComposerOptions {
  /** @default 'ffmpeg' */
  ffmpegPath?: string;
  /** @default 'ffprobe' */
  ffprobePath?: string;
  /** Segments rendered at once (each FFmpeg uses several threads; match the cores). @default 2 */
  concurrency?: number;
  /** libx264 preset (`ultrafast` for tests, `medium` for smaller files). @default 'veryfast' */
  preset?: string;
  /** Constant-quality factor used when the request gives no `videoBitrate`. @default 23 */
  crf?: number;
  /** With `crossfade`: fade from black at the video's start and to black at its end, in ms; 0 disables. @default 300 */
  fadeMs?: number;
  /** With `crossfade`: length of each crossfade between scenes, in ms (cut to half the shortest scene). @default 500 */
  transitionMs?: number;
  /** With `crossfade`: the `xfade` transition between scenes. @default 'fade' */
  transitionKind?: TransitionKind;
  /** Ken Burns pan over one scene, as a fraction of the frame width (one pixel per frame at most). @default 0.12 */
  motionTravel?: number;
  /**
   * Encode panning segments with a full-pel motion search (`me=dia:subme=0`): the pan moves by
   * whole pixels, so this finds the same vectors for less CPU (see docs/media.md). @default true
   */
  fullPelMotion?: boolean;
  /** Added to the CRF of panning segments with {@link fullPelMotion}, to keep their SSIM. @default -0.5 */
  motionCrfOffset?: number;
  /** Background music level in the pauses of the narration, in dB; it ducks under speech. @default -12 */
  musicVolumeDb?: number;
  /** Side-chain compression ratio ducking the music under speech (1 = no ducking). @default 10 */
  duckRatio?: number;
  /** Integrated loudness of the final mix, LUFS (`null` keeps the levels and copies the audio). @default -14 */
  loudnessLufs?: number | null;
  /** True-peak ceiling of the final mix, dBTP. @default -1 */
  truePeakDb?: number;
  /** AAC bitrate when the request gives none. @default '192k' */
  audioBitrate?: string;
  /** Caption styling (font, relative size, outline, margins); frame size comes from the request. */
  captions?: Omit<AssStyleOptions, 'width' | 'height'>;
  /** Minimum ms between FFmpeg progress reports per segment. @default 250 */
  progressIntervalMs?: number;
  /**
   * CPU priority of the FFmpeg processes (POSIX nice, 0–19). Rendering is the heaviest work Reelay
   * does; running it below the API and the workers keeps requests and SSE fast while jobs render.
   * @default mediaNiceness() (10, `REELAY_MEDIA_NICE`)
   */
  niceness?: number;
  /** Called with the pid of every FFmpeg process started (memory sampling, diagnostics). */
  onFfmpegSpawn?: (pid: number) => void;
  /** @default systemClock */
  clock?: Clock;
  /** @default silentLogger */
  logger?: Logger;
}

/** What one render did (also logged): scene-body segments rendered and reused (scene indexes), and transitions. */
export interface ComposerRunStats {
  rendered: number[];
  reused: number[];
  /** Transition segments rendered and reused (file stems, e.g. `transition-0-1`). */
  transitions: { rendered: string[]; reused: string[] };
}

/**
 * The offline video provider: composes one H.264/AAC MP4 from per-scene stills, narration and
 * captions with FFmpeg. Each scene's picture becomes `workDir/segment-<index>.mp4`, and with
 * `crossfade` each cut becomes a short `transition-<a>-<b>.mp4` blending the end of one scene into
 * the start of the next (`xfade`); all are video-only checkpoints (reused when their inputs and
 * parameters are unchanged) rendered in parallel with the same encoder settings, then joined with
 * the concat demuxer by stream copy. The narration is joined into one track and encoded once in
 * that final step, with the music ducked under it and the loudness normalised.
 *
 * @example
 * const composer = new FfmpegComposer({ concurrency: 2 });
 * const result = await composer.renderVideo(
 *   { scenes, width: 1920, height: 1080, fps: 30, codec: 'h264', outPath: 'out/video.mp4', workDir: 'out/work',
 *     subtitlesPath: 'out/captions.srt', videoBitrate: '5000k', audioBitrate: '192k' },
 *   { signal, heartbeat: (beat) => console.log(beat.percent, beat.message) },
 * );
 */
export class FfmpegComposer implements VideoProvider {
  readonly id = 'ffmpeg';
  readonly displayName = 'FFmpeg';
  readonly kind = 'video' as const;
  readonly profileType = 'video_render' as const;
  readonly priority = 3;
  readonly capabilities: ProviderCapabilities = { heartbeat: 'percentage', offline: true };
  readonly costModel: CostModel = { unit: 'free', usdPerUnit: 0 };
  /** Segment reuse of the last render (for diagnostics and tests). */
  lastRun: ComposerRunStats = { rendered: [], reused: [], transitions: { rendered: [], reused: [] } };

  private readonly ffmpegPath: string;
  private readonly ffprobePath: string;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(private readonly options: FfmpegComposerOptions = {}) {
    this.ffmpegPath = options.ffmpegPath ?? mediaToolPaths().ffmpeg;
    this.ffprobePath = options.ffprobePath ?? mediaToolPaths().ffprobe;
    this.clock = options.clock ?? systemClock;
    this.logger = (options.logger ?? silentLogger).child({ provider: this.id });
  }

  /** Runs `ffmpeg -version` and checks for libx264, AAC and the subtitle, motion and mixing filters. */
  async healthCheck(signal: AbortSignal): Promise<HealthReport> {
    const started = this.clock.now();
    try {
      const version = await toolVersion('ffmpeg', this.ffmpegPath, signal);
      const info = await requireFfmpeg(COMPOSER_REQUIREMENTS, { ...this.paths(), signal });
      return {
        healthy: true,
        latencyMs: this.clock.now() - started,
        message: `FFmpeg ${version} with libx264, ${info.encoders.size} encoders, ${info.filters.size} filters`,
      };
    } catch (error) {
      return { healthy: false, latencyMs: this.clock.now() - started, message: (error as Error).message };
    }
  }

  /** Renders the request; see the class description. Aborting kills FFmpeg within a second and keeps finished segments. */
  async renderVideo(request: VideoRenderRequest, ctx: ProviderCallContext): Promise<VideoRenderResult> {
    validateRenderRequest(request);
    const kind = this.options.transitionKind ?? 'fade';
    if (!TRANSITION_KINDS.includes(kind)) {
      throw new ReelayError(
        'REELAY_ERR_VALIDATION',
        `Unknown transition "${kind}"; use one of ${TRANSITION_KINDS.join(', ')}.`,
        {
          provider: this.id,
          stage: 'render',
          category: 'processing_error',
          retryable: false,
        },
      );
    }
    await assertInputsReadable(request);
    await requireFfmpeg(COMPOSER_REQUIREMENTS, { ...this.paths(), signal: ctx.signal });
    const workDir = resolve(request.workDir);
    const outPath = resolve(request.outPath);
    await mkdir(workDir, { recursive: true });
    await mkdir(dirname(outPath), { recursive: true });

    const settings = encodeSettingsFor(request, this.options);
    const cues = request.subtitlesPath ? parseSrt(await readFile(request.subtitlesPath, 'utf8')) : [];
    const frames = sceneFrames(request, settings.fps);
    const plans = planSegments(request, frames, settings, this.options);
    const durations = plans.map((p) => (p.frames * 1000) / settings.fps);
    const progress = new RenderProgress(durations, ctx.heartbeat);
    const stats: ComposerRunStats = { rendered: [], reused: [], transitions: { rendered: [], reused: [] } };
    this.lastRun = stats;
    ctx.heartbeat({ message: `rendering ${request.scenes.length} scenes with FFmpeg` });

    const jobs = plans.map((plan, position) => ({ plan, position }));
    await runSegmentPool(
      jobs,
      ctx.signal,
      this.options.concurrency ?? 2,
      async ({ plan: base, position }, signal) => {
        const startMs = (base.startFrame * 1000) / settings.fps;
        const segmentCues = sliceCues(cues, startMs, startMs + durations[position]!);
        const assText = this.assFor(segmentCues, settings);
        const plan: SegmentPlan = assText ? { ...base, assFile: `${base.name}.ass` } : base;
        const paths = {
          outPath: join(workDir, `${plan.name}.mp4`),
          sidecarPath: join(workDir, `${plan.name}.json`),
          key: await segmentKey(plan, settings, assText, signal),
        };
        const label =
          plan.kind === 'scene'
            ? `scene ${plan.views[0]!.position + 1} of ${request.scenes.length}`
            : `transition after scene ${plan.views[0]!.position + 1}`;
        const record = (reused: boolean): void => {
          if (plan.kind === 'scene') (reused ? stats.reused : stats.rendered).push(plan.sceneIndex);
          else (reused ? stats.transitions.reused : stats.transitions.rendered).push(plan.name);
        };
        if (await isReusable(paths.outPath, paths.sidecarPath, paths.key)) {
          record(true);
          this.logger.debug({ segment: plan.name }, 'segment reused');
          progress.segment(position, durations[position]!, `reused ${label}`);
          return;
        }
        if (assText) await writeFileAtomic(join(workDir, `${plan.name}.ass`), assText);
        await renderSegment(plan, settings, paths, {
          ffmpegPath: this.ffmpegPath,
          cwd: workDir,
          signal,
          onProgress: (ms) => progress.segment(position, ms, `rendering ${label}`),
          onSpawn: this.options.onFfmpegSpawn,
          niceness: this.options.niceness ?? mediaNiceness(),
          progressIntervalMs: this.options.progressIntervalMs ?? 250,
          clock: this.clock,
        });
        record(false);
        progress.segment(position, durations[position]!, `rendered ${label}`);
      },
    );

    const totalMs = durations.reduce((a, b) => a + b, 0);
    const listPath = join(workDir, 'segments.ffconcat');
    await writeFile(listPath, concatList(plans.map((p) => `${p.name}.mp4`)));
    await produceAtomically(outPath, (temp) =>
      runFfmpeg(
        finalArgs(finalPlanFor(request, frames, settings, { listPath, totalMs }, this.options), temp),
        {
          ffmpegPath: this.ffmpegPath,
          cwd: workDir,
          signal: ctx.signal,
          durationMs: totalMs,
          onProgress: (p) => progress.final(p.outTimeMs / totalMs, 'joining segments'),
          onSpawn: this.options.onFfmpegSpawn,
          niceness: this.options.niceness ?? mediaNiceness(),
          clock: this.clock,
        },
      ),
    );
    progress.final(1, 'video ready');
    const info = await probeMedia(outPath, ctx.signal, { ffprobePath: this.ffprobePath });
    this.logger.info(
      { outPath, durationMs: info.durationMs, rendered: stats.rendered.length, reused: stats.reused.length },
      'video rendered',
    );
    return { path: outPath, durationMs: info.durationMs, usage: { seconds: info.durationMs / 1000 } };
  }

  private assFor(cues: SubtitleCue[], s: EncodeSettings): string | undefined {
    if (cues.length === 0) return undefined;
    return toAss(cues, { ...this.options.captions, width: s.width, height: s.height });
  }

  private paths(): { ffmpegPath: string; ffprobePath: string } {
    return { ffmpegPath: this.ffmpegPath, ffprobePath: this.ffprobePath };
  }
}
