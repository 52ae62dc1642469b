import type { ErrorCategory } from '../domain/error-category.js';
import { errorMessage } from '../domain/errors.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import { KeyedWrites } from '../state/keyed-writes.js';
import type { FailureHistoryStore, Unwatch } from '../state/router-state.js';

/** One failure of a provider within a job. */
export interface JobFailure {
  stage: string;
  provider: string;
  category: ErrorCategory;
}

/** Options of {@link JobFailureHistory}. */
export interface JobFailureHistoryOptions {
  /** Jobs kept in process; the least recently updated are forgotten beyond it. @default 1000 */
  maxJobs?: number;
  /**
   * Where every failure is written through, and read back by {@link JobFailureHistory.load} (a
   * job resumed by another worker keeps its history). @default none: kept in process only
   */
  store?: FailureHistoryStore;
  /** Time of each failure, ms since the epoch. @default Date.now */
  now?: () => number;
  /** Receives store failures. @default silentLogger */
  logger?: Logger;
}

/**
 * Which providers failed in which job and stage. The selection engine excludes providers that
 * already failed in the same job and stage, and lowers the reliability score per failure in the job.
 * Reads are synchronous from the in-process copy; with a `store`, failures are written through and
 * {@link JobFailureHistory.load} brings in what other processes recorded for a job.
 *
 * @example
 * history.recordFailure('job_1', 'narration', 'elevenlabs', 'rate_limit');
 * history.failedProviders('job_1', 'narration'); // ['elevenlabs']
 */
export class JobFailureHistory {
  private readonly jobs = new Map<string, JobFailure[]>();
  private readonly maxJobs: number;
  private readonly store: FailureHistoryStore | undefined;
  private readonly now: () => number;
  private readonly logger: Logger;
  /** Jobs whose stored history is in `jobs` (cleared when another process writes the job). */
  private readonly loaded = new Set<string>();
  private readonly writes: KeyedWrites;
  private readonly unwatch: Unwatch | undefined;

  constructor(options: JobFailureHistoryOptions = {}) {
    this.maxJobs = Math.max(1, options.maxJobs ?? 1000);
    this.store = options.store;
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? silentLogger;
    this.writes = new KeyedWrites((jobId, error) =>
      this.logger.warn(
        { tag: 'FAILURE_HISTORY_WRITE_FAILED', jobId, error: errorMessage(error) },
        'could not store a failure of a job',
      ),
    );
    this.unwatch = this.store?.watch?.((jobId) => {
      if (jobId === '*') this.loaded.clear();
      else this.loaded.delete(jobId);
    });
  }

  /** Records that `provider` failed in `jobId` at `stage`. */
  recordFailure(jobId: string, stage: string, provider: string, category: ErrorCategory): void {
    const list = this.jobs.get(jobId) ?? [];
    this.keep(jobId, list);
    list.push({ stage, provider, category });
    const store = this.store;
    if (!store) return;
    const failure = { stage, provider, category, at: this.now() };
    this.writes.queue(jobId, () => store.record(jobId, failure));
  }

  /**
   * Reads the job's stored history into the in-process copy, unless it is there already; call it
   * before routing a job (the router does). Returns undefined when there is nothing to wait for.
   */
  load(jobId: string): Promise<void> | undefined {
    const store = this.store;
    if (!store || this.loaded.has(jobId)) return undefined;
    this.loaded.add(jobId);
    // Bounded like `jobs`: a job with no failure is never kept there, so `keep` never evicts it.
    if (this.loaded.size > this.maxJobs) {
      const oldest = this.loaded.values().next().value;
      if (oldest !== undefined) this.loaded.delete(oldest);
    }
    return this.writes
      .after(jobId)
      .then(() => store.list(jobId))
      .then((stored) => {
        const list = stored.map((f) => ({
          stage: f.stage,
          provider: f.provider,
          category: f.category as ErrorCategory,
        }));
        if (list.length > 0 || this.jobs.has(jobId)) this.keep(jobId, list);
      })
      .catch((error: unknown) => {
        this.loaded.delete(jobId);
        this.logger.warn(
          { tag: 'FAILURE_HISTORY_READ_FAILED', jobId, error: errorMessage(error) },
          'could not read the failure history of a job; using what this process knows',
        );
      });
  }

  /** Distinct providers that failed in the job (only at `stage` when given), in first-failure order. */
  failedProviders(jobId: string, stage?: string): string[] {
    const out = new Set<string>();
    for (const f of this.jobs.get(jobId) ?? [])
      if (stage === undefined || f.stage === stage) out.add(f.provider);
    return [...out];
  }

  /** Failures of one provider in the job, every stage. */
  failureCount(jobId: string, provider: string): number {
    return (this.jobs.get(jobId) ?? []).filter((f) => f.provider === provider).length;
  }

  /** Every failure of the job, in order. */
  failures(jobId: string): JobFailure[] {
    return (this.jobs.get(jobId) ?? []).map((f) => ({ ...f }));
  }

  /** Forgets a finished job (here and in the store). */
  clear(jobId: string): void {
    this.jobs.delete(jobId);
    this.loaded.delete(jobId);
    const store = this.store;
    if (store) this.writes.queue(jobId, () => store.clear(jobId));
  }

  /**
   * Drops the job's in-process copy (the store keeps it): call it when an attempt ends here. If
   * the job runs here again, {@link load} reads the store afresh.
   */
  forget(jobId: string): void {
    this.jobs.delete(jobId);
    this.loaded.delete(jobId);
  }

  /** Jobs held in process: with failures kept, and loaded from the store. */
  get size(): { jobs: number; loaded: number } {
    return { jobs: this.jobs.size, loaded: this.loaded.size };
  }

  /** Resolves when every write started so far has settled. */
  async flush(): Promise<void> {
    await this.writes.flush();
  }

  /** Stops listening to other processes. */
  close(): void {
    this.unwatch?.();
  }

  private keep(jobId: string, list: JobFailure[]): void {
    this.jobs.delete(jobId);
    this.jobs.set(jobId, list);
    if (this.jobs.size > this.maxJobs) {
      const oldest = this.jobs.keys().next().value;
      if (oldest !== undefined) {
        this.jobs.delete(oldest);
        this.loaded.delete(oldest);
      }
    }
  }
}
