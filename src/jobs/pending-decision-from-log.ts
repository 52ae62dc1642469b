import { type ReelayEventOf, type StoredEvent, TERMINAL_EVENT_TYPES } from '../domain/events.js';
import type { PendingDecisionView } from './reelay-service.js';

/** A stored `decision-required` event. */
export type StoredDecisionRequired = ReelayEventOf<'decision-required'> & { id: number };

/**
 * The decision a job waits on, derived from its event log (for a process that does not hold the
 * decision itself: an API-only process on a shared store). It is the last `decision-required`
 * not followed by a `decision-answered` with the same `decisionId`, nor by a terminal event
 * (`done`, `error`, `canceled`). A `decision-answer-submitted` does not close it: the answer is
 * only on its way to the process holding the decision, which may still refuse it.
 *
 * @param events the job's events in id order (as `EventLog.read` returns them)
 * @returns the open `decision-required` event, or null
 * @example
 * const open = pendingDecisionFromLog(await stores.events.read(jobId, 0));
 */
export function pendingDecisionFromLog(events: readonly StoredEvent[]): StoredDecisionRequired | null {
  let open: StoredDecisionRequired | null = null;
  for (const event of events) {
    if (event.type === 'decision-required') open = event;
    else if (event.type === 'decision-answered' && event.decisionId === open?.decisionId) open = null;
    else if (TERMINAL_EVENT_TYPES.has(event.type)) open = null;
  }
  return open;
}

/** The {@link PendingDecisionView} of a stored `decision-required` event. */
export function pendingDecisionView(event: StoredDecisionRequired): PendingDecisionView {
  return {
    decisionId: event.decisionId,
    jobId: event.jobId,
    stage: event.stage,
    provider: event.provider,
    trigger: event.trigger,
    options: [...event.options],
    alternatives: event.alternatives.map((a) => ({
      provider: a.provider,
      score: a.score,
      reasons: [...a.reasons],
    })),
    requestedAt: event.timestamp,
  };
}
