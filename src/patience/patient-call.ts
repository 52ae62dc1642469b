import type { ProviderTimeoutProfileLoader } from '../config/timeout-profile-loader.js';
import type { PatienceProfileName } from '../config/timeout-profile-schema.js';
import type { Clock } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import type { Heartbeat } from '../domain/heartbeat.js';
import type { IdGenerator } from '../domain/ids.js';
import type { Logger } from '../domain/logger.js';
import type { DecisionBroker } from './decision-broker.js';
import type { ExecuteRequest, GatewayEvent } from './gateway-types.js';
import { startHeartbeatPoller } from './heartbeat-poller.js';
import type { ProviderLockRegistry } from './provider-lock-registry.js';
import { ProviderSwitchRequestedError } from './provider-switch-error.js';
import {
  abortRun,
  callRef,
  canceledError,
  hardErrorFacts,
  type RunningOperation,
} from './running-operation.js';
import type { StallDetector } from './stall-detector.js';

/** The gateway parts one patient call works with. */
export interface PatientCallHost {
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  profiles: ProviderTimeoutProfileLoader;
  patienceProfile: PatienceProfileName;
  locks: ProviderLockRegistry;
  detector: StallDetector;
  broker: DecisionBroker;
  running: Map<string, RunningOperation>;
  heartbeatEventIntervalMs: number;
  emit: (event: GatewayEvent) => void;
}

/**
 * One attempt of a provider call with patience (the body of `ProviderGateway.executeWithPatience`):
 * validates the lock, registers and monitors the call, emits events and logs, and always cleans up.
 */
export async function runPatientCall<T>(host: PatientCallHost, req: ExecuteRequest<T>): Promise<T> {
  for (const field of ['jobId', 'providerName', 'stage', 'correlationId'] as const) {
    if (typeof req[field] !== 'string' || req[field].trim() === '') {
      throw new ReelayError('REELAY_ERR_VALIDATION', `executeWithPatience needs a non-empty ${field}`);
    }
  }
  const { jobId, providerName, stage, correlationId } = req;
  const check = host.locks.get(jobId)?.validateProvider(providerName, stage) ?? { ok: true as const };
  if (!check.ok) {
    throw new ReelayError('REELAY_ERR_LOCK_MISMATCH', check.message, {
      provider: providerName,
      stage,
      correlationId,
      details: { lockedProvider: host.locks.get(jobId)?.providerName, requestedProvider: providerName },
    });
  }
  const providerType = req.providerType ?? host.profiles.resolveProviderType(providerName);
  const profile = host.profiles.getProfileForType(providerType, req.patienceProfile ?? host.patienceProfile);
  const run: RunningOperation = {
    operationId: host.ids('op'),
    jobId,
    providerName,
    providerType,
    stage,
    correlationId,
    policy: req.fallbackPolicy,
    startedAt: host.clock.now(),
    controller: new AbortController(),
    lastHeartbeatEventAt: Number.NEGATIVE_INFINITY,
    profile,
    heartbeatKind: req.heartbeatStrategy?.kind ?? req.heartbeatKind ?? 'none',
    interrupt: undefined,
  };
  const { operationId, controller } = run;
  const ref = callRef(run);
  const attempt = req.attempt ?? 1;
  const heartbeat = (beat: Heartbeat): void => onHeartbeat(host, run, beat);
  const callerSignal = req.signal;
  const onCallerAbort = callerSignal
    ? (): void => abortRun(run, canceledError(run, callerSignal.reason))
    : undefined;
  host.running.set(operationId, run);
  host.detector.monitor(run);
  const stopPoller = req.heartbeatStrategy
    ? startHeartbeatPoller(
        host.clock,
        req.heartbeatStrategy,
        profile.heartbeatIntervalMs,
        heartbeat,
        host.logger,
      )
    : undefined;
  host.logger.info(
    {
      tag: 'PROVIDER_REQUEST_START',
      ...ref,
      attempt,
      heartbeatKind: run.heartbeatKind,
      profile: profile.patienceProfile,
    },
    `${providerName} call started on ${stage}`,
  );
  host.emit({ type: 'request-start', ...ref, timestamp: new Date(host.clock.now()).toISOString(), attempt });
  try {
    const result = await new Promise<T>((resolve, reject) => {
      run.interrupt = reject;
      if (onCallerAbort) {
        if (callerSignal!.aborted) onCallerAbort();
        else callerSignal!.addEventListener('abort', onCallerAbort, { once: true });
      }
      if (controller.signal.aborted) return;
      let work: Promise<T>;
      try {
        work = Promise.resolve(req.operation({ signal: controller.signal, heartbeat }));
      } catch (error) {
        work = Promise.reject(error);
      }
      work.then(resolve, reject);
    });
    const durationMs = host.clock.now() - run.startedAt;
    host.logger.info(
      { tag: 'PROVIDER_REQUEST_COMPLETE', ...ref, durationMs },
      `${providerName} completed ${stage}`,
    );
    host.emit({
      type: 'request-complete',
      ...ref,
      timestamp: new Date(host.clock.now()).toISOString(),
      durationMs,
    });
    return result;
  } catch (caught) {
    const error: unknown = controller.signal.aborted ? controller.signal.reason : caught;
    const switched = ProviderSwitchRequestedError.isInstance(error);
    const canceled = ReelayError.isInstance(error) && error.code === 'REELAY_ERR_CANCELED';
    if (!switched && !canceled) {
      host.detector.markError(operationId);
      const facts = hardErrorFacts(error);
      host.logger.error(
        {
          tag: 'PROVIDER_HARD_ERROR',
          ...ref,
          attempt,
          category: facts.category,
          retryable: facts.retryable,
          err: error,
        },
        `${providerName} failed on ${stage}: ${facts.message}`,
      );
      host.emit({
        type: 'hard-error',
        ...ref,
        timestamp: new Date(host.clock.now()).toISOString(),
        ...facts,
        attempt,
      });
    }
    throw error;
  } finally {
    stopPoller?.();
    run.interrupt = undefined;
    if (onCallerAbort) callerSignal!.removeEventListener('abort', onCallerAbort);
    host.detector.stop(operationId);
    host.running.delete(operationId);
    host.broker.withdrawForOperation(operationId, 'the provider call ended');
  }
}

/** Feeds a pushed or polled heartbeat to the detector; emits sampled `heartbeat` events. */
export function onHeartbeat(host: PatientCallHost, run: RunningOperation, beat: Heartbeat): void {
  if (host.running.get(run.operationId) !== run || typeof beat !== 'object' || beat === null) return;
  const result = host.detector.heartbeat(run.operationId, beat);
  if (!result) return;
  const now = host.clock.now();
  if (now - run.lastHeartbeatEventAt < host.heartbeatEventIntervalMs) return;
  run.lastHeartbeatEventAt = now;
  const ref = callRef(run);
  host.logger.debug(
    { tag: 'PROVIDER_HEARTBEAT', ...ref, progressed: result.progressed, count: result.heartbeatCount },
    `${run.providerName} heartbeat`,
  );
  host.emit({
    type: 'heartbeat',
    ...ref,
    timestamp: new Date(now).toISOString(),
    heartbeat: beat,
    progressed: result.progressed,
  });
}
