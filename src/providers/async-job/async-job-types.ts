import type { Clock } from '../../domain/clock.js';
import type { ReelayError } from '../../domain/errors.js';
import type { HeartbeatFn } from '../../domain/heartbeat.js';

/** The state of a remote asynchronous job, normalised from each provider's own words. */
export type AsyncJobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';

/** Why a remote job failed, in the provider's own terms (from its status response). */
export interface AsyncJobFailure {
  /** The provider's failure code, e.g. Runway `SAFETY.INPUT.TEXT`, HeyGen `40119`. */
  code?: string;
  /** The provider's failure message (shortened and redacted before use). */
  message?: string;
}

/** One poll's answer, as an adapter maps it from the provider's status response. */
export interface AsyncJobStatus {
  state: AsyncJobState;
  /** Percent complete 0–100, when the provider reports it. */
  percent?: number;
  /** Where to download the result; required when `state` is `succeeded`. */
  resultUrl?: string;
  /** Failure facts when `state` is `failed`. */
  error?: AsyncJobFailure;
  /** The provider's own status word (e.g. `THROTTLED`, `waiting`), shown in heartbeat messages. */
  remoteState?: string;
}

/** Options of {@link runAsyncJob}. */
export interface AsyncJobOptions {
  /** Provider display name, used in messages and errors (e.g. `Runway`). */
  provider: string;
  /** Submits the job and returns its remote id. */
  create(signal: AbortSignal): Promise<string>;
  /** Reads the job's status once. Retryable errors are tolerated up to `maxPollErrors` in a row. */
  poll(jobId: string, signal: AbortSignal): Promise<AsyncJobStatus>;
  /**
   * Asks the provider to stop the job; called (best effort, bounded by `cancelTimeoutMs`) when the
   * call is aborted or the loop gives up while the job still runs remotely. Absent = no remote cancel.
   */
  cancel?(jobId: string, signal: AbortSignal): Promise<void>;
  /** Downloads the result to `outPath` (atomically: write a temporary sibling, then rename). */
  download(resultUrl: string, outPath: string, signal: AbortSignal): Promise<void>;
  /** Where the result goes. */
  outPath: string;
  /** Aborts the whole job (create, polls, download); triggers the remote cancel. */
  signal: AbortSignal;
  /** Receives percent heartbeats (only when the percent rises) and remote-state messages. */
  heartbeat?: HeartbeatFn;
  /** Wait between polls, measured on `clock`; the first poll comes one interval after create. @default 2000 */
  pollIntervalMs?: number;
  /** Source of time and timers. @default systemClock */
  clock?: Clock;
  /** Upper bound on the remote cancel call. @default 5000 */
  cancelTimeoutMs?: number;
  /** Consecutive retryable poll errors tolerated before the job is given up. @default 3 */
  maxPollErrors?: number;
  /** Maps a remote failure to an error; defaults to {@link classifyJobFailure}. */
  classifyFailure?(failure: AsyncJobFailure, jobId: string): ReelayError;
}

/** What {@link runAsyncJob} resolves with once the result is on disk. */
export interface AsyncJobResult {
  /** The provider's job id. */
  jobId: string;
  /** The URL the result was downloaded from (may be short-lived; never logged with secrets). */
  resultUrl: string;
  /** The file written. */
  outPath: string;
  /** Number of status polls made. */
  polls: number;
  /** Milliseconds from create to downloaded, on the injected clock. */
  elapsedMs: number;
}
