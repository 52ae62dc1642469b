import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Clock, isoAt, systemClock } from '../../src/domain/clock.js';
import type { Disposable } from '../../src/domain/disposable.js';
import { ReelayError } from '../../src/domain/errors.js';
import type { FailureDetails, ReelayEvent, StoredEvent } from '../../src/domain/events.js';
import type { FallbackDecision } from '../../src/domain/fallback.js';
import { type IdGenerator, sequentialIds } from '../../src/domain/ids.js';
import { createJobRecord, type JobRecord, type JobStatus } from '../../src/jobs/job-record.js';
import {
  addArtifacts,
  cancelJob,
  completeJob,
  failJob,
  reportProgress,
  startJob,
} from '../../src/jobs/job-state-machine.js';
import type {
  BudgetsView,
  DecisionAnswerInput,
  GatewayStatsView,
  JobStepView,
  PendingDecisionView,
  ProviderInfo,
  ProviderPerformanceView,
  ReadinessReport,
  ReelayService,
} from '../../src/jobs/reelay-service.js';
import { parseVideoRequest } from '../../src/pipeline/video-request.js';
import { probeMedia } from '../../src/providers/media/ffprobe.js';
import { MemoryAuditTrail } from '../../src/state/memory/memory-audit-trail.js';
import { MemoryEventLog } from '../../src/state/memory/memory-event-log.js';
import { MemoryJobStore } from '../../src/state/memory/memory-job-store.js';

const run = promisify(execFile);

/**
 * Renders a real, small MP4 (H.264 + AAC, 320×240, 25 fps) with FFmpeg's lavfi sources, so
 * download and metadata tests read a real file.
 */
export async function makeTestVideo(dir: string, seconds = 1, name = 'video.mp4'): Promise<string> {
  const out = join(dir, name);
  await run('ffmpeg', [
    ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', String(seconds)],
    ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-y', out],
  ]);
  return out;
}

/** Options of {@link FakeReelayService}. */
export interface FakeServiceOptions {
  /** @default systemClock */
  clock?: Clock;
  /** @default sequentialIds() */
  ids?: IdGenerator;
}

const PROVIDERS: ProviderInfo[] = [
  {
    id: 'template',
    displayName: 'Template writer',
    kind: 'llm',
    profileType: 'fallback_provider',
    priority: 5,
    offline: true,
    health: { healthy: true, latencyMs: 1, message: 'ok', checkedAt: null, uptime: 1 },
    breaker: { state: 'closed' },
    latency: { calls: 0, successRate: null, p50Ms: null, p95Ms: null, p99Ms: null },
    score: null,
    limits: { bulkhead: null, rateLimit: null },
  },
  {
    id: 'espeak',
    displayName: 'espeak-ng',
    kind: 'tts',
    profileType: 'tts',
    priority: 3,
    offline: true,
    health: null,
    breaker: { state: 'closed' },
    latency: { calls: 0, successRate: null, p50Ms: null, p95Ms: null, p99Ms: null },
    score: null,
    limits: { bulkhead: null, rateLimit: null },
  },
];

/**
 * An in-memory {@link ReelayService} whose jobs tests drive by hand: submit validates with the
 * real `parseVideoRequest`; jobs move through the real state machine; events go to a real
 * `MemoryEventLog` (so ids, replay and live subscription behave as in production).
 */
export class FakeReelayService implements ReelayService {
  readonly jobs: MemoryJobStore;
  readonly events = new MemoryEventLog();
  readonly audit = new MemoryAuditTrail();
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Correlation ids passed to `submit`, in order. */
  readonly submittedCorrelationIds: Array<string | undefined> = [];
  readiness_: ReadinessReport = { ready: true, checks: { store: { ok: true, message: 'memory' } } };
  metrics =
    '# HELP reelay_jobs_total Jobs submitted.\n# TYPE reelay_jobs_total counter\nreelay_jobs_total 0\n';
  private readonly pending = new Map<string, PendingDecisionView>();
  private readonly stepsByJob = new Map<string, JobStepView[]>();
  private readonly circuits = new Map<string, string>();
  private closed = false;
  /** Subscriptions not yet disposed (leak checks). */
  liveSubscriptions = 0;

  constructor(options: FakeServiceOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? sequentialIds();
    this.jobs = new MemoryJobStore({ clock: this.clock });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async submit(
    input: unknown,
    options: { correlationId?: string; submittedBy?: string | null } = {},
  ): Promise<JobRecord> {
    this.submittedCorrelationIds.push(options.correlationId);
    const request = parseVideoRequest(input);
    const job = createJobRecord(
      {
        request: structuredClone(request) as unknown as Record<string, unknown>,
        fallbackPolicy: request.fallbackPolicy,
        ...(options.correlationId ? { correlationId: options.correlationId } : {}),
        submittedBy: options.submittedBy ?? null,
      },
      { clock: this.clock, ids: this.ids },
    );
    await this.jobs.create(job);
    await this.emit(job, { type: 'job-queued', brief: request.brief });
    return job;
  }

  getJob(id: string): Promise<JobRecord | null> {
    return this.jobs.get(id);
  }

  listJobs(query?: { status?: JobStatus; limit?: number; cursor?: string }) {
    return this.jobs.list(query ?? {});
  }

  async cancel(id: string, reason = 'canceled'): Promise<JobRecord> {
    const job = await this.jobs.update(id, (r) => cancelJob(r, reason, this.clock.now()));
    this.pending.delete(id);
    await this.emit(job, { type: 'canceled', reason, partialArtifacts: job.artifacts });
    return job;
  }

  async steps(id: string): Promise<JobStepView[]> {
    return [...(this.stepsByJob.get(id) ?? [])];
  }

  readEvents(jobId: string, afterId?: number, limit?: number): Promise<StoredEvent[]> {
    return this.events.read(jobId, afterId, limit);
  }

  subscribe(jobId: string, listener: (event: StoredEvent) => void): Disposable {
    const inner = this.events.subscribe(jobId, listener);
    this.liveSubscriptions += 1;
    let disposed = false;
    return {
      dispose: () => {
        if (disposed) return;
        disposed = true;
        this.liveSubscriptions -= 1;
        inner.dispose();
      },
    };
  }

  decisions(jobId: string): Promise<FallbackDecision[]> {
    return this.audit.history(jobId);
  }

  async pendingDecision(jobId: string): Promise<PendingDecisionView | null> {
    return this.pending.get(jobId) ?? null;
  }

  async answerDecision(jobId: string, answer: DecisionAnswerInput): Promise<void> {
    const pending = this.pending.get(jobId);
    if (!pending) {
      throw new ReelayError('REELAY_ERR_CONFLICT', `Job ${jobId} has no decision waiting for an answer.`, {
        details: { jobId },
      });
    }
    if (answer.decisionId !== undefined && answer.decisionId !== pending.decisionId) {
      throw new ReelayError(
        'REELAY_ERR_CONFLICT',
        `Decision ${answer.decisionId} is not the pending one (${pending.decisionId}) of job ${jobId}.`,
      );
    }
    if (answer.option === 'try_alternative' && !answer.provider) {
      throw new ReelayError('REELAY_ERR_VALIDATION', 'try_alternative needs a provider.', {
        details: { fields: [{ field: 'provider', message: 'required' }] },
      });
    }
    this.pending.delete(jobId);
    const job = await this.requireJob(jobId);
    await this.emit(job, {
      type: 'decision-answered',
      decisionId: pending.decisionId,
      option: answer.option,
      ...(answer.provider ? { provider: answer.provider } : {}),
    });
    if (answer.option === 'try_alternative' && answer.provider) {
      const decision: FallbackDecision = {
        id: this.ids('decision'),
        jobId,
        fromProvider: pending.provider,
        toProvider: answer.provider,
        reason: pending.trigger === 'stall' ? 'USER_AFTER_STALL' : 'PROVIDER_FATAL_ERROR',
        elapsedBeforeSwitchMs: 0,
        userConfirmed: true,
        stages: [pending.stage],
        correlationId: job.correlationId,
        timestamp: isoAt(this.clock),
        context: `User chose ${answer.provider} after ${pending.provider} ${pending.trigger === 'stall' ? 'stalled' : 'failed'}`,
      };
      await this.audit.record(decision);
      await this.emit(job, { type: 'fallback-decision', decision });
    }
    if (answer.option === 'cancel_job') await this.cancel(jobId, 'user canceled at a decision');
  }

  async listProviders(): Promise<ProviderInfo[]> {
    return PROVIDERS.map((p) => ({ ...p, breaker: { state: this.circuits.get(p.id) ?? p.breaker.state } }));
  }

  async setCircuit(providerId: string, action: 'open' | 'close' | 'isolate'): Promise<{ state: string }> {
    if (!PROVIDERS.some((p) => p.id === providerId)) {
      throw new ReelayError('REELAY_ERR_PROVIDER_UNKNOWN', `Provider ${providerId} is not configured.`, {
        provider: providerId,
      });
    }
    const state = action === 'close' ? 'closed' : action === 'open' ? 'open' : 'isolated';
    this.circuits.set(providerId, state);
    return { state };
  }

  /** What `providerPerformance` answers per provider (tests set it); absent: no calls yet. */
  readonly performance_ = new Map<string, ProviderPerformanceView>();
  /** What `budgets` answers (tests set it). */
  budgets_: BudgetsView = { budgets: [], spend: [] };

  async providerPerformance(providerId: string): Promise<ProviderPerformanceView> {
    if (!PROVIDERS.some((p) => p.id === providerId)) {
      throw new ReelayError('REELAY_ERR_PROVIDER_UNKNOWN', `Provider ${providerId} is not configured.`, {
        provider: providerId,
      });
    }
    return (
      this.performance_.get(providerId) ?? {
        provider: providerId,
        window: '24h',
        series: [],
        calls: 0,
        successRate: null,
        p50Ms: null,
        p95Ms: null,
        trend: { direction: 'stable', changePct: 0, confidence: 0, points: 0 },
        prediction: null,
      }
    );
  }

  async budgets(): Promise<BudgetsView> {
    return this.budgets_;
  }

  async gatewayStats(): Promise<GatewayStatsView> {
    const byReason = await this.audit.countByReason();
    const total = Object.values(byReason).reduce((a, b) => a + (b ?? 0), 0);
    return {
      activeLocks: 0,
      activeOperations: 0,
      totalFallbackDecisions: total,
      userRequested: total,
      errorTriggered: 0,
      byReason: byReason as Record<string, number>,
    };
  }

  async readiness(): Promise<ReadinessReport> {
    return this.readiness_;
  }

  async metricsText(): Promise<string> {
    return this.metrics;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  // ---- scripted lifecycle, driven by tests ----

  /** `queued → running`, emits `job-started`. */
  async start(id: string): Promise<JobRecord> {
    const job = await this.jobs.update(id, (r) =>
      startJob(r, { owner: 'fake-worker', leaseMs: 60_000, now: this.clock.now() }),
    );
    await this.emit(job, { type: 'job-started', attempt: job.attempts });
    return job;
  }

  /** Reports progress, emits `progress`. */
  async progress(
    id: string,
    percentage: number,
    stage = 'script',
    message = `working on ${stage}`,
  ): Promise<StoredEvent> {
    const job = await this.jobs.update(id, (r) =>
      reportProgress(r, { progress: percentage, stage, message }, this.clock.now()),
    );
    return this.emit(job, { type: 'progress', percentage, stage, message });
  }

  /** Records a step and emits `stage-complete`. */
  async completeStage(id: string, stage: string, nextStage: string | null): Promise<StoredEvent> {
    const job = await this.requireJob(id);
    const steps = this.stepsByJob.get(id) ?? [];
    steps.push({
      stepId: stage,
      artifactPath: `/work/${id}/${stage}.json`,
      sha256: '0'.repeat(64),
      sizeBytes: 10,
      completedAt: isoAt(this.clock),
    });
    this.stepsByJob.set(id, steps);
    return this.emit(job, { type: 'stage-complete', stage, nextStage, durationMs: 10 });
  }

  /** Pauses on a decision: emits `decision-required` and makes it pending. */
  async requireDecision(id: string, provider = 'template', stage = 'script'): Promise<PendingDecisionView> {
    const job = await this.requireJob(id);
    const view: PendingDecisionView = {
      decisionId: this.ids('ask'),
      jobId: id,
      stage,
      provider,
      trigger: 'stall',
      options: ['continue_30s', 'continue_5m', 'try_alternative', 'cancel_job'],
      alternatives: [{ provider: 'ollama', score: 80, reasons: ['healthy'] }],
      requestedAt: isoAt(this.clock),
    };
    this.pending.set(id, view);
    const { jobId: _j, requestedAt: _r, ...rest } = view;
    await this.emit(job, { type: 'decision-required', ...rest });
    return view;
  }

  /** `running → done` with the given video file (probed for its facts); emits `done`. */
  async finish(id: string, videoPath: string): Promise<JobRecord> {
    const info = await probeMedia(videoPath);
    const size = (await stat(videoPath)).size;
    const withArtifacts = await this.jobs.update(id, (r) =>
      addArtifacts(r, [join('/work', id, 'script.json'), videoPath], this.clock.now()),
    );
    const job = await this.jobs.update(withArtifacts.id, (r) =>
      completeJob(
        r,
        {
          path: videoPath,
          durationSeconds: info.durationMs / 1000,
          sizeBytes: size,
          width: info.video?.width ?? 0,
          height: info.video?.height ?? 0,
        },
        this.clock.now(),
      ),
    );
    await this.emit(job, {
      type: 'done',
      videoUrl: `/api/video/${id}/download`,
      outputPath: videoPath,
      durationSeconds: info.durationMs / 1000,
    });
    return job;
  }

  /** `running → failed`; emits `error`. */
  async fail(id: string, failure: FailureDetails): Promise<JobRecord> {
    const job = await this.jobs.update(id, (r) => failJob(r, failure, this.clock.now()));
    await this.emit(job, { type: 'error', error: failure });
    return job;
  }

  /** Appends any event for a job (timestamp and correlation id filled in). */
  async emit(
    job: JobRecord,
    event: DistributiveOmit<ReelayEvent, 'jobId' | 'timestamp'>,
  ): Promise<StoredEvent> {
    return this.events.append({
      ...event,
      jobId: job.id,
      timestamp: isoAt(this.clock),
      correlationId: job.correlationId,
    } as ReelayEvent);
  }

  private async requireJob(id: string): Promise<JobRecord> {
    const job = await this.jobs.get(id);
    if (!job) throw new ReelayError('REELAY_ERR_NOT_FOUND', `Job ${id} does not exist.`);
    return job;
  }
}

/** `Omit` over each member of a union. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
