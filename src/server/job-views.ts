import { canAccessJob, type Principal } from '../domain/access.js';
import { ReelayError } from '../domain/errors.js';
import { isTerminalStatus, type JobRecord, toApiStatus } from '../jobs/job-record.js';
import type { JobStepView, ReelayService } from '../jobs/reelay-service.js';
import type { JobLinks, JobStatusView, StepView } from './api-types.js';

/** Route prefix of the video API. */
export const VIDEO_PREFIX = '/api/video';

/** Accepted job ids: 1–128 characters of `[A-Za-z0-9._:-]`, starting with a letter or digit. */
export const JOB_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Returns the id when well formed; otherwise a 400 `REELAY_ERR_VALIDATION` naming the field. */
export function parseJobId(raw: unknown, field = 'id'): string {
  if (typeof raw === 'string' && JOB_ID_PATTERN.test(raw)) return raw;
  throw new ReelayError(
    'REELAY_ERR_VALIDATION',
    `"${String(raw).slice(0, 40)}" is not a valid job id: use the jobId returned by POST ${VIDEO_PREFIX}/generate.`,
    { details: { fields: [{ field, message: '1–128 characters of A-Z a-z 0-9 . _ : -' }] } },
  );
}

/**
 * The job, or a 404 `REELAY_ERR_NOT_FOUND` naming it — also when it exists but belongs to another
 * key owner and the caller is no admin (the answer never tells whether someone else's job exists).
 */
export async function requireJob(service: ReelayService, id: string, caller: Principal): Promise<JobRecord> {
  const job = await service.getJob(id);
  if (job && canAccessJob(caller, job.submittedBy)) return job;
  throw new ReelayError('REELAY_ERR_NOT_FOUND', `Job ${id} does not exist; check the job id.`, {
    details: { jobId: id },
  });
}

/** A 409 `REELAY_ERR_NOT_READY` for a job whose video is not (or will never be) available. */
export function notReady(job: JobRecord, what: string): ReelayError {
  const status = toApiStatus(job.status);
  const advice = isTerminalStatus(job.status)
    ? `it ended as ${status} and has no video`
    : `it is ${status} (${job.progress} %); try again once it is completed`;
  return new ReelayError(
    'REELAY_ERR_NOT_READY',
    `The ${what} of job ${job.id} is not available: ${advice}.`,
    {
      correlationId: job.correlationId,
      details: { jobId: job.id, status },
    },
  );
}

/**
 * A 410 `REELAY_ERR_GONE` when retention deleted the job's video (`pruned.videoAt`): the job is
 * known, its video will never come back. Null otherwise.
 */
export function prunedVideo(job: JobRecord): ReelayError | null {
  const at = job.pruned?.videoAt;
  if (!at) return null;
  return new ReelayError(
    'REELAY_ERR_GONE',
    `The video of job ${job.id} was deleted by the retention policy on ${at}; generate it again (the server keeps videos for the age set by retention.videos / REELAY_RETENTION_VIDEOS).`,
    { correlationId: job.correlationId, details: { jobId: job.id, prunedAt: at } },
  );
}

/** The links of a job's resources. */
export function jobLinks(id: string): JobLinks {
  const base = `${VIDEO_PREFIX}/${encodeURIComponent(id)}`;
  return {
    self: `${base}/status`,
    stream: `${base}/stream`,
    download: `${base}/download`,
    metadata: `${base}/metadata`,
    cancel: `${base}/cancel`,
    decisions: `/api/jobs/${encodeURIComponent(id)}/decisions`,
  };
}

function stepView(step: JobStepView): StepView {
  return {
    stepId: step.stepId,
    sizeBytes: step.sizeBytes,
    sha256: step.sha256,
    completedAt: step.completedAt,
  };
}

/** The API view of a job (server paths are left out: artifacts and output show no path). */
export function toStatusView(job: JobRecord, steps: readonly JobStepView[] = []): JobStatusView {
  const links = jobLinks(job.id);
  return {
    jobId: job.id,
    status: toApiStatus(job.status),
    percent: job.progress,
    stage: job.stage,
    message: job.message,
    etaSeconds: job.etaSeconds,
    fallbackPolicy: job.fallbackPolicy,
    attempts: job.attempts,
    steps: steps.map(stepView),
    error: job.error,
    output: job.output
      ? {
          durationSeconds: job.output.durationSeconds,
          sizeBytes: job.output.sizeBytes,
          width: job.output.width,
          height: job.output.height,
        }
      : null,
    videoUrl: job.status === 'done' && !job.pruned?.videoAt ? links.download : null,
    videoPrunedAt: job.pruned?.videoAt ?? null,
    submittedBy: job.submittedBy ?? null,
    correlationId: job.correlationId,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    links,
  };
}
