import type { Heartbeat } from '../domain/heartbeat.js';
import { logEnabled } from './log-gate.js';
import { hostListens, type PatientCallHost, type RunningEntry } from './patient-call-host.js';
import { small } from './rare-state.js';
import { callRef, NO_HEARTBEAT_EVENT } from './running-operation.js';

/** Feeds a pushed or polled heartbeat to the detector; emits sampled `heartbeat` events. */
export function onHeartbeat(host: PatientCallHost, run: RunningEntry, beat: Heartbeat): void {
  if (typeof beat !== 'object' || beat === null || !host.detector.has(run)) return;
  const progressed = host.detector.beat(run, beat);
  const now = host.clock.now();
  const sinceStart = now - run.startedAt;
  const last = run.lastHeartbeatEventMs;
  if (last !== NO_HEARTBEAT_EVENT && sinceStart - last < host.heartbeatEventIntervalMs) return;
  run.lastHeartbeatEventMs = small(sinceStart);
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
