import type { ReelayConfig } from '../config/app-config.js';
import type { Clock } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import type { IdGenerator } from '../domain/ids.js';
import { chosenProviders } from '../pipeline/preflight.js';
import { parseVideoRequest } from '../pipeline/video-request.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { JobStore } from '../state/job-store.js';
import type { ReelayStores } from '../state/stores.js';
import { assertSameRequest, idempotentJobId } from './idempotency.js';
import type { JobEventSink } from './job-event-sink.js';
import { createJobRecord, type JobRecord } from './job-record.js';
import type { SubmitOptions } from './reelay-service.js';

/** What a submit touches of the local service's parts. */
export interface SubmitParts {
  config: ReelayConfig;
  stores: ReelayStores;
  sink: JobEventSink;
  clock: Clock;
  ids: IdGenerator;
  registry: ProviderRegistry;
  /** The local worker, woken after the job is queued. */
  runner: { notify(): void };
  /** The shared job queue (Redis deployments), when there is one. */
  queue?: { enqueue(jobId: string): Promise<void> } | undefined;
}

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Submits a video job: the request is validated under the configured limits (with the default
 * fallback policy when it names none) and its providers checked, the job is stored (once per
 * idempotency key: a repeat returns the job the key already created, on any instance) and queued,
 * with its `job-queued` event, and the worker (and the shared queue, when there is one) is told.
 */
export async function submitJob(
  parts: SubmitParts,
  input: unknown,
  options: SubmitOptions = {},
): Promise<JobRecord> {
  const { config, stores, sink, clock, ids, registry } = parts;
  const withPolicy =
    typeof input === 'object' && input !== null && !Array.isArray(input) && !('fallbackPolicy' in input)
      ? { ...input, fallbackPolicy: config.fallbackPolicy }
      : input;
  const request = parseVideoRequest(withPolicy, config.limits);
  chosenProviders(request, registry);
  const correlationId =
    options.correlationId && CORRELATION_ID.test(options.correlationId) ? options.correlationId : ids('corr');
  const created = createJobRecord(
    {
      request: request as unknown as Record<string, unknown>,
      fallbackPolicy: request.fallbackPolicy,
      correlationId,
      submittedBy: options.submittedBy ?? null,
    },
    { clock, ids },
  );
  const key = options.idempotencyKey;
  const job =
    key === undefined ? created : { ...created, id: idempotentJobId(key, options.submittedBy ?? null) };
  if (key !== undefined) {
    const existing = await createOnce(parts.stores.jobs, job);
    if (existing !== null) return existing;
  } else {
    await stores.jobs.create(job);
  }
  await sink.emit(job.id, correlationId, { type: 'job-queued', brief: request.brief.slice(0, 200) });
  sink.log(job.id, 'info', 'Job queued', { correlationId, policy: request.fallbackPolicy });
  parts.runner.notify();
  await parts.queue?.enqueue(job.id);
  return job;
}

/** Creates an idempotent job, or returns the job its key already created (on any instance). */
async function createOnce(jobs: JobStore, job: JobRecord): Promise<JobRecord | null> {
  const found = await jobs.get(job.id);
  if (found === null) {
    try {
      await jobs.create(job);
      return null;
    } catch (error) {
      if (!ReelayError.isInstance(error) || error.code !== 'REELAY_ERR_CONFLICT') throw error;
    }
  }
  const existing = found ?? (await jobs.get(job.id));
  if (!existing) throw new ReelayError('REELAY_ERR_NOT_FOUND', `No job with id ${job.id}`);
  assertSameRequest(job.id, existing.request, job.request);
  return existing;
}
