import type { JobRecord, JobStatus } from '../jobs/job-record.js';
import type { ApiJobStatus, JobStatusView } from '../server/api-types.js';

const FROM_API: Readonly<Record<ApiJobStatus, JobStatus>> = {
  pending: 'queued',
  processing: 'running',
  completed: 'done',
  failed: 'failed',
  canceled: 'canceled',
};

const TO_API: Readonly<Record<JobStatus, ApiJobStatus>> = {
  queued: 'pending',
  running: 'processing',
  done: 'completed',
  failed: 'failed',
  canceled: 'canceled',
};

/** The API status word of an internal status (for `GET /api/jobs?status=`). */
export function apiStatusOf(status: JobStatus): ApiJobStatus {
  return TO_API[status];
}

/**
 * A job as the API shows it, in the shape of a {@link JobRecord} (so the CLI prints local and
 * remote jobs alike). What the API does not expose stays empty: `request` is `{}`, `lease` is
 * null, `version` 0, and `output.path` is the absolute download URL instead of a server path.
 */
export function jobRecordFromView(view: JobStatusView, baseUrl: string): JobRecord {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    id: view.jobId,
    status: FROM_API[view.status] ?? 'failed',
    request: {},
    correlationId: view.correlationId,
    fallbackPolicy: view.fallbackPolicy,
    progress: view.percent,
    stage: view.stage,
    message: view.message,
    etaSeconds: view.etaSeconds,
    error: view.error,
    output: view.output
      ? {
          path: `${base}${view.videoUrl ?? view.links.download}`,
          durationSeconds: view.output.durationSeconds,
          sizeBytes: view.output.sizeBytes,
          width: view.output.width,
          height: view.output.height,
        }
      : null,
    artifacts: [],
    attempts: view.attempts,
    lease: null,
    createdAt: view.createdAt,
    startedAt: view.startedAt,
    finishedAt: view.finishedAt,
    updatedAt: view.finishedAt ?? view.startedAt ?? view.createdAt,
    version: 0,
  };
}
