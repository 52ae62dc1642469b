import { stat } from 'node:fs/promises';
import { type Clock, systemClock } from '../domain/clock.js';
import type { FallbackPolicy } from '../domain/fallback.js';
import { STAGES, type Stage } from '../domain/stages.js';
import { runTracked } from '../providers/media/work-tracking.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { CheckpointStore } from '../state/checkpoint-store.js';
import { AttemptRecord, clearPredecessorDebris } from './attempt-debris.js';
import { CheckpointKeeper } from './checkpoint-keeper.js';
import { type JobWorkspace, prepareWorkspace } from './job-workspace.js';
import type { JobLogLevel, PipelineContext, StageEvent } from './pipeline-context.js';
import { runPreflight } from './preflight.js';
import { PreflightHealthGate } from './preflight-health-gate.js';
import { ProgressTracker } from './progress-tracker.js';
import type { ProviderRunner } from './provider-runner.js';
import { loadStageCalibration, recordStageCalibration, weightsFromRates } from './stage-calibration.js';
import { runNarrationStage } from './stages/narration-stage.js';
import { runPostStage } from './stages/post-stage.js';
import { runRenderStage } from './stages/render-stage.js';
import { runScriptStage } from './stages/script-stage.js';
import { runVisualsStage } from './stages/visuals-stage.js';
import type { VideoRequest } from './video-request.js';

/** Options of {@link VideoOrchestrator}. */
export interface VideoOrchestratorOptions {
  runner: ProviderRunner;
  registry: ProviderRegistry;
  checkpoints: CheckpointStore;
  /** Where job work directories live. */
  dataDir: string;
  /** Where finished videos are published. */
  outputDir: string;
  /** Scenes whose images are made at once. @default 2 */
  visualsConcurrency?: number;
  /** Run the pre-flight checks before any work. @default true */
  preflight?: boolean;
  /** @default systemClock */
  clock?: Clock;
}

/** One job as the orchestrator sees it. */
export interface OrchestratorJob {
  id: string;
  correlationId: string;
  request: VideoRequest;
  policy: FallbackPolicy;
  /** Which attempt this is (1 for the first run; more after a worker died). @default 1 */
  attempt?: number;
}

/** Where the orchestrator reports. */
export interface OrchestratorHooks {
  emit(event: StageEvent): void;
  log(level: JobLogLevel, message: string, fields?: Record<string, unknown>): void;
}

/** A finished video. */
export interface OrchestratorResult {
  path: string;
  thumbnailPath: string;
  durationSeconds: number;
  sizeBytes: number;
  width: number;
  height: number;
  videoCodec: string;
  audioCodec: string;
  /** Which provider served each stage. */
  served: Partial<Record<Stage, string>>;
  /** Steps skipped because a verified checkpoint existed (resume after a crash). */
  skippedSteps: readonly string[];
}

/**
 * Turns a validated request into a narrated MP4: pre-flight, then script → narration (timeline
 * from measured audio) → visuals → render → post, each stage's provider calls going through the
 * router (gateway, patience, retries, breakers, fallback policy). Every step is checkpointed, so a
 * job restarted after a crash redoes only what is missing. Cancellation (the signal) stops
 * provider calls and FFmpeg; finished artifacts stay.
 *
 * @example
 * const result = await orchestrator.run({ id, correlationId, request, policy: 'auto' }, hooks, signal);
 */
export class VideoOrchestrator {
  private readonly clock: Clock;

  constructor(private readonly options: VideoOrchestratorOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** Partial artifacts of a job (completed steps' files). */
  async artifacts(jobId: string): Promise<string[]> {
    return new CheckpointKeeper(this.options.checkpoints, jobId, this.clock).artifacts();
  }

  /**
   * Runs one attempt of a job. What earlier attempts left behind (their FFmpeg still running on
   * this host, temporary files) is cleared first; this attempt's children and temporary files
   * are recorded in the work directory while it runs, for the next attempt should this worker die.
   */
  async run(
    job: OrchestratorJob,
    hooks: OrchestratorHooks,
    signal: AbortSignal,
  ): Promise<OrchestratorResult> {
    const workspace = await prepareWorkspace(this.options.dataDir, this.options.outputDir, job.id);
    const attempt = job.attempt ?? 1;
    const debris = await clearPredecessorDebris(workspace.workDir, attempt, { clock: this.clock });
    if (debris.killedGroups.length > 0 || debris.removedPaths.length > 0) {
      hooks.log('info', 'Cleared what earlier attempts left behind', {
        killedProcessGroups: debris.killedGroups.length,
        removedTempFiles: debris.removedPaths.length,
      });
    }
    const record = new AttemptRecord(workspace.workDir, attempt);
    try {
      return await runTracked(record, () => this.runStages(job, hooks, signal, workspace));
    } finally {
      await record.close();
    }
  }

  private async runStages(
    job: OrchestratorJob,
    hooks: OrchestratorHooks,
    signal: AbortSignal,
    workspace: JobWorkspace,
  ): Promise<OrchestratorResult> {
    const { request } = job;
    const served: Partial<Record<Stage, string>> = {};
    const calibration = await loadStageCalibration(this.options.dataDir);
    const videoSeconds = request.durationMinutes * 60;
    const expectedSeconds = {} as Record<Stage, number>;
    for (const s of STAGES) expectedSeconds[s] = calibration.rates[s] * videoSeconds;
    const progress = new ProgressTracker({
      clock: this.clock,
      onProgress: (r) => hooks.emit({ type: 'progress', ...r }),
      expectedSeconds,
      // With history, the percentage follows time as measured on this machine.
      ...(calibration.samples > 0 ? { weights: weightsFromRates(calibration.rates) } : {}),
    });
    const stageMs: Partial<Record<Stage, number>> = {};
    const checkpoints = new CheckpointKeeper(this.options.checkpoints, job.id, this.clock);
    const ctx: PipelineContext = {
      jobId: job.id,
      correlationId: job.correlationId,
      request,
      policy: job.policy,
      signal,
      runner: this.options.runner,
      workspace,
      checkpoints,
      progress,
      clock: this.clock,
      visualsConcurrency: this.options.visualsConcurrency ?? 2,
      emit: hooks.emit,
      log: hooks.log,
      served: (stage, provider) => {
        served[stage] = provider;
      },
    };
    const stage = async <T>(name: Stage, work: () => Promise<T>): Promise<T> => {
      signal.throwIfAborted();
      const startedAt = this.clock.now();
      hooks.emit({ type: 'stage-started', stage: name });
      progress.startStage(name);
      hooks.log('info', `Stage ${name} started`);
      const value = await work();
      const next = STAGES[STAGES.indexOf(name) + 1] ?? null;
      progress.update(name, 1, `Stage ${name} complete`, true);
      const durationMs = this.clock.now() - startedAt;
      stageMs[name] = durationMs;
      hooks.emit({ type: 'stage-complete', stage: name, nextStage: next, durationMs });
      hooks.log('info', `Stage ${name} complete`, { durationMs, provider: served[name] });
      return value;
    };

    await stage('brief', async () => {
      if (this.options.preflight === false) return;
      const report = await runPreflight(request, {
        registry: this.options.registry,
        dataDir: this.options.dataDir,
        outputDir: this.options.outputDir,
        signal,
        // Under `ask` and `auto` an unhealthy chosen provider is for the fallback policy to handle.
        unhealthyChosen: job.policy === 'off' ? 'fail' : 'report',
      });
      const sick = report.providers.filter((p) => !p.healthy);
      if (sick.length > 0) {
        ctx.runner = new PreflightHealthGate(this.options.runner, sick);
        hooks.log('warn', 'Chosen provider unhealthy at pre-flight; the fallback policy decides', {
          providers: sick,
          policy: job.policy,
        });
      } else hooks.log('info', 'Pre-flight passed', { ...report });
    });
    const script = await stage('script', () => runScriptStage(ctx));
    const narration = await stage('narration', () => runNarrationStage(ctx, script));
    const visuals = await stage('visuals', () => runVisualsStage(ctx, script));
    const render = await stage('render', () => runRenderStage(ctx, script, narration, visuals));
    const info = await stage('post', () => runPostStage(ctx, render.path));
    const size = (await stat(render.path)).size;
    if (checkpoints.skippedSteps.length > 0) {
      hooks.log('info', 'Resumed from checkpoints', { skipped: checkpoints.skippedSteps });
    } else {
      // Only whole runs calibrate: a resumed job's skipped stages would read as instantaneous.
      await recordStageCalibration(
        this.options.dataDir,
        stageMs,
        info.durationMs / 1000,
        new Date(this.clock.now()),
      ).catch((error: unknown) =>
        hooks.log('warn', 'Could not record the stage calibration', { error: String(error) }),
      );
    }
    return {
      path: render.path,
      thumbnailPath: workspace.thumbnailPath,
      durationSeconds: Math.round(info.durationMs) / 1000,
      sizeBytes: size,
      width: info.video?.width ?? request.options.width,
      height: info.video?.height ?? request.options.height,
      videoCodec: info.video?.codec ?? 'unknown',
      audioCodec: info.audio?.codec ?? 'none',
      served,
      skippedSteps: checkpoints.skippedSteps,
    };
  }
}
