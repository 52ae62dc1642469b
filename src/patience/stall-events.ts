import type { TypedEmitter } from '../domain/disposable.js';
import type { ReelayEventOf } from '../domain/events.js';
import type { Evaluation, MonitoredOperation } from './provider-state.js';

/** Events of the {@link StallDetector}. */
export type StallDetectorEvent =
  | ReelayEventOf<'latency-category-changed'>
  | ReelayEventOf<'stall-suspected'>
  | ReelayEventOf<'stall-cleared'>;

/**
 * The events one evaluation of a monitored call means, in order: `stall-cleared` (progress ended a
 * stall episode), `latency-category-changed`, `stall-suspected` (a new episode began).
 */
export function publishEvaluation(
  emitter: Pick<TypedEmitter<StallDetectorEvent>, 'emit'>,
  entry: MonitoredOperation,
  ev: Evaluation,
  now: number,
  progressCleared: boolean,
): void {
  const base = {
    jobId: entry.jobId,
    timestamp: new Date(now).toISOString(),
    correlationId: entry.correlationId,
    provider: entry.providerName,
    providerType: entry.providerType,
    stage: entry.stage,
    operationId: entry.operationId,
  };
  const elapsedMs = now - entry.startedAt;
  if (progressCleared && ev.stallEndedAfterMs !== undefined) {
    emitter.emit({ ...base, type: 'stall-cleared', stalledForMs: ev.stallEndedAfterMs });
  }
  if (ev.from !== ev.to) {
    emitter.emit({ ...base, type: 'latency-category-changed', from: ev.from, to: ev.to, elapsedMs });
  }
  if (ev.stallStarted) {
    emitter.emit({
      ...base,
      type: 'stall-suspected',
      elapsedMs,
      sinceProgressMs: now - (entry.lastProgressAt ?? entry.startedAt),
      thresholdMs: entry.heartbeatKind === 'none' ? entry.profile.deepWaitMs : entry.profile.stallThresholdMs,
    });
  }
}
