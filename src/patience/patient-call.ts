import type { CallContext, CallFn, CallSettler } from '../domain/call-context.js';
import { ReelayError } from '../domain/errors.js';
import type { ExecuteRequest } from './gateway-types.js';
import type { PatientCallHost } from './patient-call-host.js';
import { PatientRun } from './patient-run.js';

export type { PatientCallHost } from './patient-call-host.js';
export { onHeartbeat } from './run-heartbeat.js';

const REQUIRED_FIELDS = ['jobId', 'providerName', 'stage', 'correlationId'] as const;

/**
 * One attempt of a provider call with patience (the body of `ProviderGateway.executeWithPatience`):
 * validates the lock, registers and monitors the call, emits events and logs, and always cleans up.
 * Invalid requests reject (never throw synchronously). With a `settler` (the call pipeline's fast
 * path, `req.context` set) the settler is told when the call ends — also when it is refused here —
 * and handed `settlerFn` (the pipeline's call; by default the operation), and the returned promise
 * settles as {@link CallPolicy.executeSettled} says.
 */
export function runPatientCall<T>(
  host: PatientCallHost,
  req: ExecuteRequest<T>,
  settler?: CallSettler,
  settlerStartedAt = 0,
  settlerFn: CallFn<T> = req.operation as CallFn<T>,
): Promise<T> {
  let run: PatientRun<T>;
  try {
    for (const field of REQUIRED_FIELDS) {
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
    const profile = host.profiles.getProfileForType(
      providerType,
      req.patienceProfile ?? host.patienceProfile,
    );
    // The gateway's own ids are numbers formatted on demand; injected ids are drawn now, in order.
    const operationId = host.ids === undefined ? host.operationIds.next() : host.ids('op');
    run = new PatientRun(host, req, providerType, profile, operationId, settler, settlerStartedAt, settlerFn);
  } catch (error) {
    const { context } = req;
    if (settler === undefined || context === undefined) return Promise.reject(error);
    return refused(settler, error, settlerFn, context, settlerStartedAt);
  }
  return run.start(req);
}

/** A call refused before it ran, on the fast path: as the composed path, the settler recovers. */
function refused<T>(
  settler: CallSettler,
  error: unknown,
  fn: CallFn<T>,
  ctx: CallContext,
  startedAt: number,
): Promise<T> {
  try {
    return settler.callFailed(error, fn, ctx, startedAt);
  } catch (thrown) {
    return Promise.reject(thrown);
  }
}
