import { ReelayError } from '../domain/errors.js';
import type { ExecuteRequest } from './gateway-types.js';
import type { PatientCallHost } from './patient-call-host.js';
import { PatientRun } from './patient-run.js';

export type { PatientCallHost } from './patient-call-host.js';
export { onHeartbeat } from './run-heartbeat.js';

const REQUIRED_FIELDS = ['jobId', 'providerName', 'stage', 'correlationId'] as const;

/** Written by {@link flat} so the optimiser cannot drop the read that flattens. */
// biome-ignore lint/correctness/noUnusedVariables: written on purpose, never read (see `flat`).
let flattenSink = 0;

/**
 * `id` as one flat string. `randomUUID()` returns a rope of ~20 pieces (≈ 0.5 KB kept per id for
 * as long as the call runs); reading a character makes V8 flatten it in place (≈ 0.1 KB).
 */
function flat(id: string): string {
  flattenSink ^= id.charCodeAt(id.length >> 1) | 0;
  return id;
}

/**
 * One attempt of a provider call with patience (the body of `ProviderGateway.executeWithPatience`):
 * validates the lock, registers and monitors the call, emits events and logs, and always cleans up.
 * Invalid requests reject (never throw synchronously).
 */
export function runPatientCall<T>(host: PatientCallHost, req: ExecuteRequest<T>): Promise<T> {
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
    run = new PatientRun(host, req, providerType, profile, flat(host.ids('op')));
  } catch (error) {
    return Promise.reject(error);
  }
  return run.start(req);
}
