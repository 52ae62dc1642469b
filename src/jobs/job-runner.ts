import { type Clock, sleep, systemClock, type TimerHandle } from '../domain/clock.js';
import type { Disposable } from '../domain/disposable.js';
import { ReelayError } from '../domain/errors.js';
import { type IdGenerator, randomIds } from '../domain/ids.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import type { VideoOrchestrator } from '../pipeline/video-orchestrator.js';
import type { JobStore } from '../state/job-store.js';
import { type JobAttemptDeps, runJobAttempt } from './job-attempt.js';
import type { JobEventSink } from './job-event-sink.js';
import { isTerminalStatus, type JobRecord } from './job-record.js';
import { cancelJob, isLeaseExpired, recoverJob, startJob } from './job-state-machine.js';

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
  private readonly attemptDeps: JobAttemptDeps;

  constructor(private readonly options: JobRunnerOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.owner = options.owner ?? (options.ids ?? randomIds)('worker');
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollMs = options.pollIntervalMs ?? 1000;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    const { jobs, orchestrator, sink, onJobEnd, onAttemptStart } = options;
    this.attemptDeps = {
      jobs,
      orchestrator,
      sink,
      owner: this.owner,
      leaseMs: this.leaseMs,
      clock: this.clock,
      logger: this.logger,
      onJobEnd,
      onAttemptStart,
    };
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
    const done = runJobAttempt(this.attemptDeps, job, controller).finally(() => {
      this.running.delete(job.id);
      this.notify();
    });
    this.running.set(job.id, { controller, done });
  }
}
