import { type Clock, sleep, systemClock } from '../../domain/clock.js';
import { ReelayError } from '../../domain/errors.js';
import type { Heartbeat } from '../../domain/heartbeat.js';
import { classifyError } from '../../resilience/classify-error.js';
import type { AsyncJobOptions, AsyncJobResult, AsyncJobStatus } from './async-job-types.js';
import { classifyJobFailure } from './job-failure.js';
import { callBounded, type RemoteCancelOutcome, remoteCanceledError } from './remote-cancel.js';

/** Default wait between status polls. */
export const DEFAULT_POLL_INTERVAL_MS = 2000;
/** Default bound on the remote cancel call. */
export const DEFAULT_CANCEL_TIMEOUT_MS = 5000;
/** Default number of consecutive retryable poll errors tolerated. */
export const DEFAULT_MAX_POLL_ERRORS = 3;

/**
 * Runs one asynchronous provider job: create → poll every `pollIntervalMs` (on the injected clock)
 * → download the result. Percent heartbeats are pushed only when the percent rises, and a message
 * heartbeat whenever the provider's own state word changes. A remote `failed` becomes a classified
 * {@link ReelayError} ({@link classifyJobFailure} unless overridden). When the call is aborted, or
 * the loop gives up while the job still runs remotely, `cancel` is called once (best effort, bounded
 * by `cancelTimeoutMs`) before the promise rejects, so abandoned jobs do not keep costing money.
 * Rejects with the abort reason when it is a ReelayError, else with `REELAY_ERR_CANCELED`.
 *
 * @example
 * const result = await runAsyncJob({
 *   provider: 'Runway', outPath: '/w/clip.mp4', signal, heartbeat,
 *   create: (s) => api.createTask(body, s),
 *   poll: (id, s) => api.taskStatus(id, s),
 *   cancel: (id, s) => api.deleteTask(id, s),
 *   download: (url, out, s) => api.download(url, out, s),
 * });
 */
export async function runAsyncJob(options: AsyncJobOptions): Promise<AsyncJobResult> {
  const clock = options.clock ?? systemClock;
  const { provider, signal } = options;
  const interval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const maxPollErrors = options.maxPollErrors ?? DEFAULT_MAX_POLL_ERRORS;
  const started = clock.now();
  if (signal.aborted)
    throw remoteCanceledError(provider, 'before a job was created', signal.reason, 'unsupported');
  let jobId: string;
  try {
    jobId = await options.create(signal);
  } catch (error) {
    if (signal.aborted)
      throw remoteCanceledError(provider, 'before a job was created', signal.reason, 'unsupported');
    throw error;
  }
  const beat = safeHeartbeat(options);
  beat({ message: `${provider}: job ${jobId} submitted` });
  let polls = 0;
  let pollErrors = 0;
  let wait = interval;
  let lastPercent = Number.NEGATIVE_INFINITY;
  let lastRemote: string | undefined;
  let remoteActive = true;
  try {
    let resultUrl: string;
    for (;;) {
      await sleep(clock, wait, signal);
      wait = interval;
      let status: AsyncJobStatus;
      try {
        polls += 1;
        status = await options.poll(jobId, signal);
        pollErrors = 0;
      } catch (error) {
        if (signal.aborted) throw error;
        const failure = asProviderError(provider, error);
        pollErrors += 1;
        if (!failure.retryable || pollErrors > maxPollErrors) throw failure;
        wait = Math.max(interval, failure.retryAfterMs ?? 0);
        beat({
          message: `${provider}: status check failed (${failure.category ?? 'error'}), checking again`,
        });
        continue;
      }
      const remote = status.remoteState ?? status.state;
      const percent = status.percent === undefined ? undefined : clampPercent(status.percent);
      const rose = percent !== undefined && percent > lastPercent;
      if (rose || remote !== lastRemote) {
        const pctText = percent === undefined ? '' : ` ${Math.round(percent)}%`;
        beat({ ...(rose ? { percent } : {}), message: `${provider}: ${remote}${pctText}` });
      }
      if (rose) lastPercent = percent;
      lastRemote = remote;
      if (status.state === 'queued' || status.state === 'running') continue;
      remoteActive = false;
      if (status.state === 'failed') {
        const failure = status.error ?? {};
        throw options.classifyFailure
          ? options.classifyFailure(failure, jobId)
          : classifyJobFailure(provider, failure, jobId);
      }
      if (status.state === 'canceled') throw remoteCanceled(provider, jobId);
      if (!status.resultUrl) throw missingResult(provider, jobId);
      resultUrl = status.resultUrl;
      break;
    }
    beat({ message: `${provider}: downloading the result of job ${jobId}` });
    await options.download(resultUrl, options.outPath, signal);
    if (lastPercent < 100) beat({ percent: 100, message: `${provider}: job ${jobId} downloaded` });
    return { jobId, resultUrl, outPath: options.outPath, polls, elapsedMs: clock.now() - started };
  } catch (error) {
    const outcome = remoteActive ? await cancelRemote(options, clock, jobId) : undefined;
    if (signal.aborted)
      throw remoteCanceledError(provider, `job ${jobId}`, signal.reason, outcome, { jobId });
    throw error;
  }
}

function cancelRemote(options: AsyncJobOptions, clock: Clock, jobId: string): Promise<RemoteCancelOutcome> {
  const cancel = options.cancel;
  if (!cancel) return Promise.resolve('unsupported');
  return callBounded(clock, options.cancelTimeoutMs ?? DEFAULT_CANCEL_TIMEOUT_MS, (signal) =>
    cancel(jobId, signal),
  );
}

function safeHeartbeat(options: AsyncJobOptions): (beat: Heartbeat) => void {
  return (beat) => {
    try {
      options.heartbeat?.(beat);
    } catch {
      // A failing listener must not fail a paid remote job.
    }
  };
}

function clampPercent(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(100, Math.max(0, value));
}

function remoteCanceled(provider: string, jobId: string): ReelayError {
  return new ReelayError(
    'REELAY_ERR_PROVIDER',
    `${provider} job ${jobId} was canceled on the provider side (not by Reelay): retry, or check the provider dashboard.`,
    { category: 'api_failure', retryable: true, provider, details: { jobId } },
  );
}

function missingResult(provider: string, jobId: string): ReelayError {
  return new ReelayError(
    'REELAY_ERR_PROVIDER',
    `${provider} reported job ${jobId} as finished but gave no result URL: retry, or choose another provider.`,
    { category: 'api_failure', retryable: true, provider, details: { jobId } },
  );
}

/** Anything a poll throws, classified once by the shared classifier (network failures are retryable). */
function asProviderError(provider: string, error: unknown): ReelayError {
  return classifyError(error, { provider });
}
