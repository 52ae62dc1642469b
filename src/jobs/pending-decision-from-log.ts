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

/** A decision a dead attempt left open, and the answer recorded for it since (if any). */
export interface OpenDecisionFromLog {
  decision: StoredDecisionRequired;
  /** The first `decision-answer-submitted` for it: given while no worker held the decision. */
  answer?: { option: ReelayEventOf<'decision-answer-submitted'>['option']; provider?: string };
}

/**
 * What a resumed job must carry over from its log: the decision its previous attempt asked and
 * never settled (see {@link pendingDecisionFromLog}), with the answer submitted for it meanwhile.
 * Null when no decision is open.
 * @example
 * const open = openDecisionFromLog(await stores.events.read(jobId, 0));
 * if (open) gateway.carryOverDecision(jobId, { ...open.decision, answer: open.answer });
 */
export function openDecisionFromLog(events: readonly StoredEvent[]): OpenDecisionFromLog | null {
  const decision = pendingDecisionFromLog(events);
  if (!decision) return null;
  const submitted = events.find(
    (e): e is ReelayEventOf<'decision-answer-submitted'> & { id: number } =>
      e.type === 'decision-answer-submitted' && e.decisionId === decision.decisionId && e.id > decision.id,
  );
  if (!submitted) return { decision };
  return {
    decision,
    answer: {
      option: submitted.option,
      ...(submitted.provider === undefined ? {} : { provider: submitted.provider }),
    },
  };
}
