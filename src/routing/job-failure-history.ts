import type { ErrorCategory } from '../domain/error-category.js';

/** One failure of a provider within a job. */
export interface JobFailure {
  stage: string;
  provider: string;
  category: ErrorCategory;
}

/** Options of {@link JobFailureHistory}. */
export interface JobFailureHistoryOptions {
  /** Jobs remembered; the least recently updated are forgotten beyond it. @default 1000 */
  maxJobs?: number;
}

/**
 * Which providers failed in which job and stage. The selection engine excludes providers that
 * already failed in the same job and stage, and lowers the reliability score per failure in the job.
 *
 * @example
 * history.recordFailure('job_1', 'narration', 'elevenlabs', 'rate_limit');
 * history.failedProviders('job_1', 'narration'); // ['elevenlabs']
 */
export class JobFailureHistory {
  private readonly jobs = new Map<string, JobFailure[]>();
  private readonly maxJobs: number;

  constructor(options: JobFailureHistoryOptions = {}) {
    this.maxJobs = Math.max(1, options.maxJobs ?? 1000);
  }

  /** Records that `provider` failed in `jobId` at `stage`. */
  recordFailure(jobId: string, stage: string, provider: string, category: ErrorCategory): void {
    const list = this.jobs.get(jobId) ?? [];
    this.jobs.delete(jobId);
    this.jobs.set(jobId, list);
    list.push({ stage, provider, category });
    if (this.jobs.size > this.maxJobs) {
      const oldest = this.jobs.keys().next().value;
      if (oldest !== undefined) this.jobs.delete(oldest);
    }
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

  /** Forgets a finished job. */
  clear(jobId: string): void {
    this.jobs.delete(jobId);
  }
}
