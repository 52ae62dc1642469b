import type { ResolvedTimeoutProfile } from '../config/timeout-profile-schema.js';
import type { CallIdentity } from '../domain/call-context.js';
import type { ErrorCategory } from '../domain/error-category.js';
import { ReelayError } from '../domain/errors.js';
import type { FallbackPolicy } from '../domain/fallback.js';
import type { HeartbeatKind } from '../domain/heartbeat.js';
import type { ProviderType } from '../domain/provider-type.js';
import type { ExecuteRequest } from './gateway-types.js';
import { ProviderSwitchRequestedError } from './provider-switch-error.js';
import type { StallHandler } from './stall-handlers.js';

/** A running provider call, as the gateway tracks it. */
export interface RunningOperation {
  operationId: string;
  jobId: string;
  providerName: string;
  providerType: ProviderType;
  stage: string;
  correlationId: string;
  policy: FallbackPolicy | undefined;
  /** Decides on this call's stalls; wins over the gateway's handler for `policy`. */
  stallHandler?: StallHandler | undefined;
  /** Epoch ms the call started. */
  startedAt: number;
  /**
   * Aborting it stops the call; its reason is what `executeWithPatience` rejects with. Abort it
   * through {@link abortRun}. Its signal is created on first read (Node creates it lazily).
   */
  controller: AbortController;
  /**
   * Set by {@link abortRun}: lets the gateway see an abort without reading `controller.signal`.
   * @default false
   */
  aborted?: boolean;
  /**
   * Ms after `startedAt` of the last emitted `heartbeat` event (sampling), or
   * {@link NO_HEARTBEAT_EVENT} before the first: a small integer, never a boxed epoch time.
   */
  lastHeartbeatEventMs: number;
  /** The thresholds the call is judged by. */
  profile: ResolvedTimeoutProfile;
  heartbeatKind: HeartbeatKind;
  /** Rejects the pending `executeWithPatience` at once; does nothing once the call has settled. */
  interrupt(reason: unknown): void;
}

/** {@link RunningOperation.lastHeartbeatEventMs} before the first event (a small integer, −2^30). */
export const NO_HEARTBEAT_EVENT = -1_073_741_824;

/**
 * Stops a running call: aborts its signal (the first reason wins) and makes `executeWithPatience`
 * reject with that reason at once, even when the operation ignores the signal.
 */
export function abortRun(run: RunningOperation, reason: unknown): void {
  run.aborted = true;
  if (!run.controller.signal.aborted) run.controller.abort(reason);
  run.interrupt(run.controller.signal.reason);
}

/** The call identity carried by router events and log records. */
export interface CallRefFields {
  jobId: string;
  correlationId: string;
  provider: string;
  providerType: ProviderType;
  stage: string;
  operationId: string;
}

/** The event/log identity of a running call. */
export function callRef(run: RunningOperation): CallRefFields {
  return {
    jobId: run.jobId,
    correlationId: run.correlationId,
    provider: run.providerName,
    providerType: run.providerType,
    stage: run.stage,
    operationId: run.operationId,
  };
}

/** The error a call rejects with when its caller aborts: the reason if a ReelayError, else CANCELED. */
export function canceledError(run: RunningOperation, reason: unknown): ReelayError {
  if (ReelayError.isInstance(reason)) return reason;
  return new ReelayError(
    'REELAY_ERR_CANCELED',
    `The ${run.providerName} call on stage "${run.stage}" of job ${run.jobId} was canceled by the caller`,
    { cause: reason, provider: run.providerName, stage: run.stage, correlationId: run.correlationId },
  );
}

/** Category, retryable flag and message of a hard failure: read from a ReelayError, else system_error. */
export function hardErrorFacts(error: unknown): {
  category: ErrorCategory;
  retryable: boolean;
  message: string;
} {
  const reelay = ReelayError.isInstance(error) ? error : undefined;
  return {
    category: reelay?.category ?? 'system_error',
    retryable: reelay?.retryable ?? false,
    message: error instanceof Error ? error.message : String(error),
  };
}

/** The gateway stopped the call on a decision (switch after a stall, cancel): not a provider failure. */
export function isInterruption(error: unknown): boolean {
  return (
    ProviderSwitchRequestedError.isInstance(error) ||
    (ReelayError.isInstance(error) && error.code === 'REELAY_ERR_CANCELED')
  );
}

/** The call identity of a request made outside the call pipeline. */
export function identityOf(req: ExecuteRequest<unknown>): CallIdentity {
  return { jobId: req.jobId, stage: req.stage, provider: req.providerName, correlationId: req.correlationId };
}
