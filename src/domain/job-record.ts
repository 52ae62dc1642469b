import { type Clock, systemClock } from '../domain/clock.js';
import type { FailureDetails } from '../domain/events.js';
import type { FallbackPolicy } from '../domain/fallback.js';
import { type IdGenerator, randomIds } from '../domain/ids.js';

/** The internal states of a job. Terminal: `done`, `failed`, `canceled`. */
export const JOB_STATUSES = ['queued', 'running', 'done', 'failed', 'canceled'] as const;

/** One of {@link JOB_STATUSES}. */
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Statuses a job never leaves. */
export const TERMINAL_JOB_STATUSES: ReadonlySet<JobStatus> = new Set(['done', 'failed', 'canceled']);

/** The status words of the HTTP API (docs/api-vocabulary.md#job-status); `canceled` stays `canceled`. */
export type ApiJobStatus = 'pending' | 'processing' | 'completed' | 'failed' | 'canceled';

const API_STATUS: Readonly<Record<JobStatus, ApiJobStatus>> = {
  queued: 'pending',
  running: 'processing',
  done: 'completed',
  failed: 'failed',
  canceled: 'canceled',
};

/** Maps an internal status to its API status word. */
export function toApiStatus(status: JobStatus): ApiJobStatus {
  return API_STATUS[status];
}

/** True for `done`, `failed` and `canceled`. */
export function isTerminalStatus(status: JobStatus): boolean {
  return TERMINAL_JOB_STATUSES.has(status);
}

/** The rendered video of a finished job. */
export interface JobOutput {
  /** Path of the video file. */
  path: string;
  durationSeconds: number;
  sizeBytes: number;
  width: number;
  height: number;
}

/**
 * Which process holds a lease, so that another worker can tell at once that it died (instead of
 * waiting for the lease to lapse). Written by the store that grants the lease.
 */
export interface LeaseHolder {
  /** Host identity: hostname, boot id and PID namespace (Linux), so a pid is only judged on its own host. */
  host: string;
  /** Process id of the worker on `host`. */
  pid: number;
  /** The process's start time (Linux `/proc/<pid>/stat`), so a reused pid is not mistaken for it. */
  startTime?: string;
  /** PostgreSQL: key of the advisory lock the worker's database session holds while it lives. */
  session?: number;
}

/** Who is working on a running job and until when (ISO-8601); renewed while work goes on. */
export interface JobLease {
  owner: string;
  expiresAt: string;
  /** The process behind `owner`, when the store can check its liveness. */
  holder?: LeaseHolder;
}

/**
 * A job as stored: plain, JSON-serialisable data. Change it only through the transition
 * functions of `job-state-machine.ts` (and a store's `update`), which keep its invariants.
 */
export interface JobRecord {
  id: string;
  status: JobStatus;
  /** The validated request, as JSON. */
  request: Record<string, unknown>;
  correlationId: string;
  fallbackPolicy: FallbackPolicy;
  /** Overall progress 0–100; never goes down. */
  progress: number;
  /** Current pipeline stage, null before the first one. */
  stage: string | null;
  /** Human-readable status line. */
  message: string;
  etaSeconds: number | null;
  error: FailureDetails | null;
  output: JobOutput | null;
  /** Paths of artifacts produced so far. */
  artifacts: string[];
  /** How many times a worker started this job. */
  attempts: number;
  lease: JobLease | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
  /** Optimistic-concurrency version; starts at 1, each stored change adds one. */
  version: number;
  /**
   * Owner name of the API key that submitted the job (never the key); absent or null when
   * submitted without a key. Non-admin keys see only their own jobs.
   */
  submittedBy?: string | null;
  /** What retention removed, and when (ISO-8601); absent while nothing was removed. */
  pruned?: JobPruned;
}

/** Files of a finished job removed by retention (`reelay prune`, the worker's sweep). */
export interface JobPruned {
  /** When the job's work directory (intermediate files) was deleted. */
  workFilesAt?: string;
  /** When the finished video (and its thumbnail) was deleted; downloads then answer 410 Gone. */
  videoAt?: string;
}

/** Input of {@link createJobRecord}. */
export interface NewJobInput {
  /** The validated request. */
  request: Record<string, unknown>;
  /** Fallback policy of the job (the caller's configuration decides the default). */
  fallbackPolicy: FallbackPolicy;
  /** Correlation id; a new one is generated when absent. */
  correlationId?: string;
  /** Job id; a new one (`job_…`) is generated when absent. */
  id?: string;
  /** Owner name of the submitting API key (never the key). */
  submittedBy?: string | null;
}

/** Dependencies of {@link createJobRecord}. */
export interface NewJobDeps {
  /** @default systemClock */
  clock?: Clock;
  /** @default randomIds */
  ids?: IdGenerator;
}

/**
 * A new queued job at version 1.
 * @example
 * const job = createJobRecord({ request: { brief: 'How tides work' }, fallbackPolicy: 'ask' }, { clock, ids });
 * await jobStore.create(job);
 */
export function createJobRecord(input: NewJobInput, deps: NewJobDeps = {}): JobRecord {
  const clock = deps.clock ?? systemClock;
  const ids = deps.ids ?? randomIds;
  const now = new Date(clock.now()).toISOString();
  return {
    id: input.id ?? ids('job'),
    status: 'queued',
    request: structuredClone(input.request),
    correlationId: input.correlationId ?? ids('corr'),
    fallbackPolicy: input.fallbackPolicy,
    progress: 0,
    stage: null,
    message: 'Queued',
    etaSeconds: null,
    error: null,
    output: null,
    artifacts: [],
    attempts: 0,
    lease: null,
    createdAt: now,
    startedAt: null,
    finishedAt: null,
    updatedAt: now,
    version: 1,
    ...(input.submittedBy ? { submittedBy: input.submittedBy } : {}),
  };
}
