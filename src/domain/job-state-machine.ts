import { ReelayError } from '../domain/errors.js';
import type { FailureDetails } from '../domain/events.js';
import {
  isTerminalStatus,
  type JobOutput,
  type JobRecord,
  type JobStatus,
  type LeaseHolder,
} from './job-record.js';

/**
 * The legal moves between job statuses. `running → queued` is crash recovery only (the worker's
 * lease expired); terminal statuses have no moves.
 */
export const JOB_TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  queued: ['running', 'canceled'],
  running: ['done', 'failed', 'canceled', 'queued'],
  done: [],
  failed: [],
  canceled: [],
};

/** True when a job in `from` may move to `to`. */
export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return JOB_TRANSITIONS[from].includes(to);
}

/**
 * Throws `REELAY_ERR_CONFLICT` naming the job, its status and the attempted move when `job`
 * may not move to `to`.
 */
export function assertTransition(job: JobRecord, to: JobStatus, action: string): void {
  if (canTransition(job.status, to)) return;
  const why = isTerminalStatus(job.status)
    ? `${job.status} is a terminal state and never changes`
    : `only ${JOB_TRANSITIONS[job.status].join(', ')} may follow ${job.status}`;
  throw new ReelayError(
    'REELAY_ERR_CONFLICT',
    `Job ${job.id} is ${job.status}; it cannot ${action} (${job.status} → ${to}): ${why}.`,
    {
      correlationId: job.correlationId,
      details: { jobId: job.id, status: job.status, attempted: to, action },
    },
  );
}

const iso = (ms: number): string => new Date(ms).toISOString();

function notRunning(job: JobRecord, action: string, why: string): ReelayError {
  return new ReelayError(
    'REELAY_ERR_CONFLICT',
    `Job ${job.id} is ${job.status}; it cannot ${action}: ${why}.`,
    {
      correlationId: job.correlationId,
      details: { jobId: job.id, status: job.status, action },
    },
  );
}

/** True when the job's lease has lapsed at `now` (exactly at `expiresAt` counts as lapsed). */
export function isLeaseExpired(job: JobRecord, now: number): boolean {
  return job.lease === null || Date.parse(job.lease.expiresAt) <= now;
}

/** Options of {@link startJob}. */
export interface StartJobOptions {
  /** Worker id that takes the lease. */
  owner: string;
  /** Lease length in ms; the worker renews it while it works. */
  leaseMs: number;
  /** Current time, ms since epoch. */
  now: number;
  /** The worker process, for liveness checks by other workers. */
  holder?: LeaseHolder;
}

/** `queued → running`: counts the attempt, takes a lease, keeps the first `startedAt`. */
export function startJob(job: JobRecord, options: StartJobOptions): JobRecord {
  assertTransition(job, 'running', 'start');
  const at = iso(options.now);
  return {
    ...job,
    status: 'running',
    attempts: job.attempts + 1,
    lease: {
      owner: options.owner,
      expiresAt: iso(options.now + options.leaseMs),
      ...(options.holder ? { holder: options.holder } : {}),
    },
    startedAt: job.startedAt ?? at,
    message: job.attempts === 0 ? 'Running' : `Running (attempt ${job.attempts + 1})`,
    updatedAt: at,
  };
}

/** Options of {@link recoverJob}. */
export interface RecoverJobOptions {
  /**
   * The caller proved that the lease's holder process is gone (dead pid on this host, or its
   * database session ended): the job may be requeued before the lease lapses.
   */
  holderGone?: boolean;
}

/**
 * `running → queued`, crash recovery only: refused with `REELAY_ERR_CONFLICT` while the lease
 * is still held (unless its holder is proven gone). Progress, stage and artifacts are kept so the
 * next worker resumes.
 */
export function recoverJob(job: JobRecord, now: number, options: RecoverJobOptions = {}): JobRecord {
  assertTransition(job, 'queued', 'be requeued');
  if (!isLeaseExpired(job, now) && options.holderGone !== true) {
    throw new ReelayError(
      'REELAY_ERR_CONFLICT',
      `Job ${job.id} is running under a lease held by ${job.lease?.owner} until ${job.lease?.expiresAt}; ` +
        'it can be requeued only after the lease expires.',
      {
        correlationId: job.correlationId,
        details: { jobId: job.id, status: job.status, attempted: 'queued' },
      },
    );
  }
  const previous = job.lease?.owner ?? 'unknown';
  return {
    ...job,
    status: 'queued',
    lease: null,
    message: options.holderGone
      ? `Requeued: worker ${previous} is gone`
      : `Requeued: worker ${previous} stopped renewing its lease`,
    updatedAt: iso(now),
  };
}

/** `running → running`: extends the lease of its owner; `REELAY_ERR_CONFLICT` for anyone else. */
export function renewJobLease(job: JobRecord, owner: string, leaseMs: number, now: number): JobRecord {
  if (job.status !== 'running' || job.lease?.owner !== owner) {
    throw new ReelayError(
      'REELAY_ERR_CONFLICT',
      `Worker ${owner} cannot renew the lease of job ${job.id}: the job is ${job.status}` +
        (job.lease ? ` and leased by ${job.lease.owner}` : ' with no lease') +
        '. Stop working on it; another worker owns it now or it has ended.',
      { correlationId: job.correlationId, details: { jobId: job.id, status: job.status, owner } },
    );
  }
  return { ...job, lease: { ...job.lease, owner, expiresAt: iso(now + leaseMs) }, updatedAt: iso(now) };
}

/** A progress report from the running pipeline. */
export interface ProgressUpdate {
  /** Overall percent; clamped to 0–100, and a value below the current one is ignored. */
  progress?: number;
  stage?: string | null;
  message?: string;
  etaSeconds?: number | null;
}

/** Applies a progress report to a running job (progress never goes down). */
export function reportProgress(job: JobRecord, update: ProgressUpdate, now: number): JobRecord {
  if (job.status !== 'running') {
    throw notRunning(job, 'report progress', 'progress is reported only while a job is running');
  }
  const next = { ...job, updatedAt: iso(now) };
  if (update.progress !== undefined && Number.isFinite(update.progress)) {
    next.progress = Math.max(job.progress, Math.min(100, Math.max(0, update.progress)));
  }
  if (update.stage !== undefined) next.stage = update.stage;
  if (update.message !== undefined) next.message = update.message;
  if (update.etaSeconds !== undefined) next.etaSeconds = update.etaSeconds;
  return next;
}

/** Adds artifact paths (deduplicated, in order) to a job that has not ended. */
export function addArtifacts(job: JobRecord, paths: readonly string[], now: number): JobRecord {
  if (isTerminalStatus(job.status)) {
    throw notRunning(job, 'record artifacts', `${job.status} is a terminal state and never changes`);
  }
  const artifacts = [...job.artifacts];
  for (const p of paths) if (!artifacts.includes(p)) artifacts.push(p);
  return { ...job, artifacts, updatedAt: iso(now) };
}

/** `running → done`: forces progress to 100, stores the output, drops the lease. */
export function completeJob(job: JobRecord, output: JobOutput, now: number): JobRecord {
  assertTransition(job, 'done', 'complete');
  const at = iso(now);
  return {
    ...job,
    status: 'done',
    progress: 100,
    output: { ...output },
    etaSeconds: 0,
    message: 'Completed',
    lease: null,
    finishedAt: at,
    updatedAt: at,
  };
}

/** `running → failed`: stores the failure details, drops the lease, keeps progress. */
export function failJob(job: JobRecord, error: FailureDetails, now: number): JobRecord {
  assertTransition(job, 'failed', 'fail');
  const at = iso(now);
  return {
    ...job,
    status: 'failed',
    error: { ...error },
    etaSeconds: null,
    message: error.message,
    lease: null,
    finishedAt: at,
    updatedAt: at,
  };
}

/** `queued | running → canceled`: drops the lease, keeps progress and partial artifacts. */
export function cancelJob(job: JobRecord, reason: string, now: number): JobRecord {
  assertTransition(job, 'canceled', 'be canceled');
  const at = iso(now);
  return {
    ...job,
    status: 'canceled',
    etaSeconds: null,
    message: `Canceled: ${reason}`,
    lease: null,
    finishedAt: at,
    updatedAt: at,
  };
}
