import { type Clock, sleep, systemClock, type TimerHandle } from '../domain/clock.js';
import type { Disposable } from '../domain/disposable.js';
import { ReelayError } from '../domain/errors.js';
import { type IdGenerator, randomIds } from '../domain/ids.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import { redactDeep } from '../domain/redact.js';
import type { VideoOrchestrator } from '../pipeline/video-orchestrator.js';
import { parseVideoRequest } from '../pipeline/video-request.js';
import { failureDetails } from '../routing/stage-failure.js';
import type { JobStore } from '../state/job-store.js';
import type { JobEventSink } from './job-event-sink.js';
import { isTerminalStatus, type JobRecord } from './job-record.js';
import {
  cancelJob,
  completeJob,
  failJob,
  isLeaseExpired,
  recoverJob,
  renewJobLease,
  reportProgress,
  startJob,
} from './job-state-machine.js';

/** Options of {@link JobRunner}. */
export interface JobRunnerOptions {
  jobs: JobStore;
  orchestrator: VideoOrchestrator;
  sink: JobEventSink;
  /** Called when a job ends, whatever the outcome (release locks, withdraw decisions). */
  onJobEnd?: (jobId: string) => void;
  /**
   * Called before an attempt runs, once the job is leased here (e.g. to carry over the decision
   * a dead attempt left open). A failure is logged and does not stop the job.
   */
  onAttemptStart?: (job: JobRecord) => Promise<void>;
  /** This worker's id, written into leases. @default ids('worker') */
  owner?: string;
  /** Lease length; renewed every third of it while the job runs. @default 30000 */
  leaseMs?: number;
  /** How often an idle worker looks for work (it is also woken by {@link JobRunner.notify}). @default 1000 */
  pollIntervalMs?: number;
  /**
   * Wake-ups when another process queued work (PostgreSQL `LISTEN/NOTIFY`); the poll is then only
   * the backstop. @default none
   */
  wake?: (listener: () => void) => Disposable;
  /** Jobs run at once by this worker. @default 1 */
  concurrency?: number;
  clock?: Clock;
  ids?: IdGenerator;
  logger?: Logger;
}

interface Running {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * The worker: claims queued jobs (or jobs whose worker died: lapsed lease) from the job store,
 * runs them through the orchestrator with a renewed lease, and records the outcome with its
 * terminal event. Cancellation aborts the job's signal; a job canceled from another process is
 * noticed at the next lease renewal.
 *
 * @example
 * const runner = new JobRunner({ jobs: stores.jobs, orchestrator, sink });
 * runner.start();
 */
export class JobRunner {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly owner: string;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly concurrency: number;
  private readonly running = new Map<string, Running>();
  private timer: TimerHandle | undefined;
  private started = false;
  private claiming = false;
  private woken: Disposable | undefined;

  constructor(private readonly options: JobRunnerOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.owner = options.owner ?? (options.ids ?? randomIds)('worker');
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollMs = options.pollIntervalMs ?? 1000;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
  }

  /** Starts taking work. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.woken = this.options.wake?.(() => this.notify());
    this.notify();
  }

  /** Stops taking work; running jobs are aborted (their lease lapses, another worker resumes them). */
  async stop(): Promise<void> {
    this.started = false;
    this.woken?.dispose();
    this.woken = undefined;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const shutdown = new ReelayError('REELAY_ERR_INTERNAL', 'Worker shutting down');
    for (const run of this.running.values()) run.controller.abort(shutdown);
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  /** Looks for work now (called after a submit). */
  notify(): void {
    if (!this.started) return;
    void this.fill();
  }

  /**
   * Takes one given job (an external queue, e.g. BullMQ, chose it for this worker) and runs it to
   * its end: a queued job is started; a running job whose lease lapsed (its worker died) is
   * requeued and started again, resuming from its checkpoints. Waits up to `takeoverWaitMs` for
   * a live lease to lapse. Returns without running when the job already ended or is not found.
   * @throws ReelayError REELAY_ERR_CONFLICT when another worker still holds the job after the wait.
   */
  async runJob(jobId: string, takeoverWaitMs = this.leaseMs * 2): Promise<void> {
    const deadline = this.clock.now() + takeoverWaitMs;
    for (;;) {
      const job = await this.options.jobs.get(jobId);
      if (job === null || isTerminalStatus(job.status) || this.running.has(jobId)) return;
      const now = this.clock.now();
      const { jobs } = this.options;
      // A holder proven dead (pid gone on this host, database session ended) need not be waited for.
      const gone =
        job.status === 'running' && !isLeaseExpired(job, now) && (await jobs.isHolderGone?.(job)) === true;
      if (job.status === 'queued' || isLeaseExpired(job, now) || gone) {
        const holder = await jobs.leaseHolder?.();
        const taken = await jobs
          .update(jobId, (r) => {
            const at = this.clock.now();
            const holderGone = gone && r.lease?.owner === job.lease?.owner;
            const ready = r.status === 'running' ? recoverJob(r, at, { holderGone }) : r;
            return startJob(ready, {
              owner: this.owner,
              leaseMs: this.leaseMs,
              now: at,
              ...(holder ? { holder } : {}),
            });
          })
          .catch(() => null);
        if (taken !== null) {
          this.launch(taken);
          await this.running.get(jobId)?.done;
          return;
        }
      } else if (now >= deadline) {
        throw new ReelayError(
          'REELAY_ERR_CONFLICT',
          `Job ${jobId} is still held by worker ${job.lease?.owner ?? 'unknown'}; it will be retried.`,
        );
      }
      const leaseEnd = job.lease ? Date.parse(job.lease.expiresAt) : now;
      await sleep(this.clock, Math.min(250, Math.max(10, leaseEnd - now + 1)));
    }
  }

  /** Ids of jobs running in this worker. */
  activeJobs(): string[] {
    return [...this.running.keys()];
  }

  /** Resolves when the job, if it runs here, has finished. */
  async waitFor(jobId: string): Promise<void> {
    await this.running.get(jobId)?.done;
  }

  /**
   * Cancels a job. The cancel is recorded first: when that fails, nothing changed (the job keeps
   * running); once it succeeded, the job is canceled for good — locks are released, the `canceled`
   * event is written (the job's last), and the job is aborted when it runs here (within a second
   * FFmpeg is gone). A worker elsewhere notices at its next lease renewal.
   * @throws ReelayError REELAY_ERR_NOT_FOUND, or REELAY_ERR_CONFLICT when it already ended.
   */
  async cancel(jobId: string, reason = 'canceled by the user'): Promise<JobRecord> {
    const job = await this.mustGet(jobId);
    const local = this.running.get(jobId);
    if (job.status === 'canceled' && local) {
      // Canceled by another process (its store write and event are done): stop the local run.
      await this.abortLocal(jobId, local, reason);
      return job;
    }
    const updated = await this.options.jobs.update(jobId, (r) => cancelJob(r, reason, this.clock.now()));
    const partialArtifacts = await this.options.orchestrator.artifacts(jobId).catch(() => []);
    this.options.onJobEnd?.(jobId);
    await this.options.sink.emit(jobId, job.correlationId, { type: 'canceled', reason, partialArtifacts });
    if (local) await this.abortLocal(jobId, local, reason);
    return updated;
  }

  private async abortLocal(
    jobId: string,
    local: { controller: AbortController; done: Promise<unknown> },
    reason: string,
  ): Promise<void> {
    local.controller.abort(new ReelayError('REELAY_ERR_CANCELED', `Job ${jobId} was canceled: ${reason}`));
    await local.done.catch(() => undefined);
  }

  private async mustGet(jobId: string): Promise<JobRecord> {
    const job = await this.options.jobs.get(jobId);
    if (!job) throw new ReelayError('REELAY_ERR_NOT_FOUND', `No job with id ${jobId}`);
    return job;
  }

  private async fill(): Promise<void> {
    if (this.claiming) return;
    this.claiming = true;
    try {
      while (this.started && this.running.size < this.concurrency) {
        const job = await this.options.jobs.claim(this.owner, this.leaseMs, this.clock.now());
        if (!job) break;
        this.launch(job);
      }
    } catch (err) {
      this.logger.error({ tag: 'JOB_CLAIM_FAILED', err }, 'Could not claim a job');
    } finally {
      this.claiming = false;
      this.schedule();
    }
  }

  private schedule(): void {
    if (!this.started) return;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      void this.fill();
    }, this.pollMs);
  }

  private launch(job: JobRecord): void {
    const controller = new AbortController();
    const done = this.execute(job, controller).finally(() => {
      this.running.delete(job.id);
      this.notify();
    });
    this.running.set(job.id, { controller, done });
  }

  private async execute(job: JobRecord, controller: AbortController): Promise<void> {
    const { sink, jobs } = this.options;
    const emit = sink.emit.bind(sink, job.id, job.correlationId);
    const renew = this.keepLease(job.id, controller);
    // Locks are released and decisions withdrawn *before* the terminal event, which stays last.
    let ended = false;
    const endJob = (): void => {
      if (ended) return;
      ended = true;
      this.options.onJobEnd?.(job.id);
    };
    try {
      await emit({ type: 'job-started', attempt: job.attempts });
      sink.log(job.id, 'info', job.attempts > 1 ? `Job resumed (attempt ${job.attempts})` : 'Job started', {
        worker: this.owner,
        correlationId: job.correlationId,
      });
      await this.options
        .onAttemptStart?.(job)
        .catch((err: unknown) =>
          this.logger.warn(
            { tag: 'ATTEMPT_START_HOOK_FAILED', jobId: job.id, err },
            'Attempt start hook failed',
          ),
        );
      // Accepted at submit under the limits then in force: not re-judged here.
      const request = parseVideoRequest(job.request, { maxPixelFramesPerJob: Number.POSITIVE_INFINITY });
      const result = await this.options.orchestrator.run(
        {
          id: job.id,
          correlationId: job.correlationId,
          request,
          policy: job.fallbackPolicy,
          attempt: job.attempts,
        },
        {
          emit: (event) => {
            void emit(event);
            if (event.type === 'progress') {
              void jobs
                .update(job.id, (r) =>
                  reportProgress(
                    r,
                    {
                      progress: event.percentage,
                      stage: event.stage,
                      message: event.message,
                      etaSeconds: event.etaSeconds ?? null,
                    },
                    this.clock.now(),
                  ),
                )
                .catch(() => undefined);
            }
          },
          log: (level, message, fields) => sink.log(job.id, level, message, fields),
        },
        controller.signal,
      );
      await jobs.update(job.id, (r) =>
        completeJob(
          r,
          {
            path: result.path,
            durationSeconds: result.durationSeconds,
            sizeBytes: result.sizeBytes,
            width: result.width,
            height: result.height,
          },
          this.clock.now(),
        ),
      );
      sink.log(job.id, 'info', 'Job done', { served: result.served, skipped: result.skippedSteps });
      endJob();
      await emit({
        type: 'done',
        videoUrl: `/api/video/${job.id}/download`,
        outputPath: result.path,
        durationSeconds: result.durationSeconds,
      });
    } catch (error) {
      await this.finishWithError(job, controller, error, endJob);
    } finally {
      renew.stop();
      endJob();
      await sink.flush(job.id);
    }
  }

  private async finishWithError(
    job: JobRecord,
    controller: AbortController,
    error: unknown,
    endJob: () => void,
  ): Promise<void> {
    const { sink, jobs } = this.options;
    const reason = controller.signal.aborted ? controller.signal.reason : undefined;
    const canceled =
      ReelayError.isInstance(reason) && reason.code === 'REELAY_ERR_CANCELED'
        ? reason
        : ReelayError.isInstance(error) && error.code === 'REELAY_ERR_CANCELED'
          ? error
          : undefined;
    const current = await jobs.get(job.id);
    if (current?.status !== 'running' || current.lease?.owner !== this.owner) {
      // Canceled elsewhere, or the job moved on: nothing to record here, and nothing to append after
      // the terminal event another process wrote.
      if (current && isTerminalStatus(current.status)) sink.markEnded(job.id);
      return;
    }
    if (ReelayError.isInstance(reason) && reason.code === 'REELAY_ERR_INTERNAL' && !canceled) {
      sink.log(job.id, 'warn', 'Worker stopped mid-job; the job resumes from its checkpoints elsewhere');
      return;
    }
    if (canceled) {
      const partialArtifacts = await this.options.orchestrator.artifacts(job.id);
      await jobs.update(job.id, (r) => cancelJob(r, canceled.message, this.clock.now()));
      sink.log(job.id, 'info', 'Job canceled', { partialArtifacts });
      endJob();
      await sink.emit(job.id, job.correlationId, {
        type: 'canceled',
        reason: canceled.message,
        partialArtifacts,
      });
      return;
    }
    const details = redactDeep(failureDetails(error, { correlationId: job.correlationId }));
    await jobs.update(job.id, (r) => failJob(r, details, this.clock.now()));
    sink.log(job.id, 'error', `Job failed: ${details.message}`, { code: details.code, stage: details.stage });
    endJob();
    await sink.emit(job.id, job.correlationId, { type: 'error', error: details });
  }

  /** Renews the lease every third of its length; losing it (or a cancel elsewhere) aborts the job. */
  private keepLease(jobId: string, controller: AbortController): { stop(): void } {
    let handle: TimerHandle | undefined;
    let stopped = false;
    const tick = (): void => {
      handle = this.clock.setTimeout(async () => {
        if (stopped) return;
        try {
          await this.options.jobs.update(jobId, (r) =>
            renewJobLease(r, this.owner, this.leaseMs, this.clock.now()),
          );
        } catch (error) {
          const job = await this.options.jobs.get(jobId).catch(() => null);
          const reason =
            job?.status === 'canceled'
              ? new ReelayError('REELAY_ERR_CANCELED', `Job ${jobId} was canceled`)
              : new ReelayError(
                  'REELAY_ERR_CONFLICT',
                  `Lost the lease on job ${jobId}: ${(error as Error).message}`,
                );
          controller.abort(reason);
          return;
        }
        if (!stopped) tick();
      }, this.leaseMs / 3);
    };
    tick();
    return {
      stop: () => {
        stopped = true;
        if (handle !== undefined) this.clock.clearTimeout(handle);
      },
    };
  }
}
