import type { Heartbeat } from '../domain/heartbeat.js';
import { logEnabled } from './log-gate.js';
import { hostListens, type PatientCallHost } from './patient-call-host.js';
import { callRef, type RunningOperation } from './running-operation.js';

/** Feeds a pushed or polled heartbeat to the detector; emits sampled `heartbeat` events. */
export function onHeartbeat(host: PatientCallHost, run: RunningOperation, beat: Heartbeat): void {
  if (host.running.get(run.operationId) !== run || typeof beat !== 'object' || beat === null) return;
  const result = host.detector.heartbeat(run.operationId, beat);
  if (!result) return;
  const now = host.clock.now();
  if (now - run.lastHeartbeatEventAt < host.heartbeatEventIntervalMs) return;
  run.lastHeartbeatEventAt = now;
  const log = logEnabled(host.logger, 'debug');
  if (!log && !hostListens(host, 'heartbeat')) return;
  const ref = callRef(run);
  if (log) {
    host.logger.debug(
      { tag: 'PROVIDER_HEARTBEAT', ...ref, progressed: result.progressed, count: result.heartbeatCount },
      `${run.providerName} heartbeat`,
    );
  }
  host.emit({
    type: 'heartbeat',
    ...ref,
    timestamp: new Date(now).toISOString(),
    heartbeat: beat,
    progressed: result.progressed,
  });
}
