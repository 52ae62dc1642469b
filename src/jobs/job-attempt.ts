import { ReelayError } from '../domain/errors.js';
import type { Logger } from '../domain/logger.js';
import { redactDeep } from '../domain/redact.js';
import type { VideoOrchestrator } from '../pipeline/video-orchestrator.js';
import { parseVideoRequest } from '../pipeline/video-request.js';
import { failureDetails } from '../routing/stage-failure.js';
import type { JobEventSink } from './job-event-sink.js';
import { type JobLeaseTerms, keepJobLease } from './job-lease-keeper.js';
import { isTerminalStatus, type JobRecord } from './job-record.js';
import { cancelJob, completeJob, failJob, reportProgress } from './job-state-machine.js';

/** What one attempt of a job runs with: the worker's lease terms plus its pipeline and sinks. */
export interface JobAttemptDeps extends JobLeaseTerms {
  orchestrator: VideoOrchestrator;
  sink: JobEventSink;
  logger: Logger;
  /** Called once when the attempt ends the job, before its terminal event. */
  onJobEnd?: (jobId: string) => void;
  /** Called before the attempt runs; a failure is logged and does not stop the job. */
  onAttemptStart?: (job: JobRecord) => Promise<void>;
}

/**
 * Runs one attempt of a leased job through the orchestrator, keeping its lease, and records the
 * outcome (done, canceled or failed) with the job's terminal event. A worker stopping mid-job
 * records nothing: the lease lapses and another worker resumes the job from its checkpoints.
 */
export async function runJobAttempt(
  deps: JobAttemptDeps,
  job: JobRecord,
  controller: AbortController,
): Promise<void> {
  const { sink, jobs, clock } = deps;
  const emit = sink.emit.bind(sink, job.id, job.correlationId);
  const renew = keepJobLease(deps, job.id, controller);
  // Locks are released and decisions withdrawn *before* the terminal event, which stays last.
  let ended = false;
  const endJob = (): void => {
    if (ended) return;
    ended = true;
    deps.onJobEnd?.(job.id);
  };
  try {
    await emit({ type: 'job-started', attempt: job.attempts });
    sink.log(job.id, 'info', job.attempts > 1 ? `Job resumed (attempt ${job.attempts})` : 'Job started', {
      worker: deps.owner,
      correlationId: job.correlationId,
    });
    await deps
      .onAttemptStart?.(job)
      .catch((err: unknown) =>
        deps.logger.warn(
          { tag: 'ATTEMPT_START_HOOK_FAILED', jobId: job.id, err },
          'Attempt start hook failed',
        ),
      );
    // Accepted at submit under the limits then in force: not re-judged here.
    const request = parseVideoRequest(job.request, { maxPixelFramesPerJob: Number.POSITIVE_INFINITY });
    const result = await deps.orchestrator.run(
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
                  clock.now(),
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
        clock.now(),
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
    await finishWithError(deps, job, controller, error, endJob);
  } finally {
    renew.stop();
    endJob();
    await sink.flush(job.id);
  }
}

async function finishWithError(
  deps: JobAttemptDeps,
  job: JobRecord,
  controller: AbortController,
  error: unknown,
  endJob: () => void,
): Promise<void> {
  const { sink, jobs, clock } = deps;
  const reason = controller.signal.aborted ? controller.signal.reason : undefined;
  const canceled =
    ReelayError.isInstance(reason) && reason.code === 'REELAY_ERR_CANCELED'
      ? reason
      : ReelayError.isInstance(error) && error.code === 'REELAY_ERR_CANCELED'
        ? error
        : undefined;
  const current = await jobs.get(job.id);
  if (current?.status !== 'running' || current.lease?.owner !== deps.owner) {
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
    const partialArtifacts = await deps.orchestrator.artifacts(job.id);
    await jobs.update(job.id, (r) => cancelJob(r, canceled.message, clock.now()));
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
  await jobs.update(job.id, (r) => failJob(r, details, clock.now()));
  sink.log(job.id, 'error', `Job failed: ${details.message}`, { code: details.code, stage: details.stage });
  endJob();
  await sink.emit(job.id, job.correlationId, { type: 'error', error: details });
}
