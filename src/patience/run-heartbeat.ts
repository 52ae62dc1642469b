import type { Heartbeat } from '../domain/heartbeat.js';
import { logEnabled } from './log-gate.js';
import { hostListens, type PatientCallHost, type RunningEntry } from './patient-call-host.js';
import { callRef } from './running-operation.js';

/** Feeds a pushed or polled heartbeat to the detector; emits sampled `heartbeat` events. */
export function onHeartbeat(host: PatientCallHost, run: RunningEntry, beat: Heartbeat): void {
  if (typeof beat !== 'object' || beat === null || !host.detector.has(run)) return;
  const progressed = host.detector.beat(run, beat);
  const now = host.clock.now();
  if (now - run.lastHeartbeatEventAt < host.heartbeatEventIntervalMs) return;
  run.lastHeartbeatEventAt = now;
  const log = logEnabled(host.logger, 'debug');
  if (!log && !hostListens(host, 'heartbeat')) return;
  const ref = callRef(run);
  if (log) {
    host.logger.debug(
      { tag: 'PROVIDER_HEARTBEAT', ...ref, progressed, count: run.heartbeatCount },
      `${run.providerName} heartbeat`,
    );
  }
  host.emit({
    type: 'heartbeat',
    ...ref,
    timestamp: new Date(now).toISOString(),
    heartbeat: beat,
    progressed,
  });
}
