import { type Clock, isoAt } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import { STALL_OPTIONS } from '../domain/fallback.js';
import type { DecisionAnswerInput } from '../patience/decision-broker.js';
import type { JobEventSink } from './job-event-sink.js';
import type { JobRecord } from './job-record.js';
import type { StoredDecisionRequired } from './pending-decision-from-log.js';

/**
 * Sends an answer to the process holding a decision (split deployment): appends a
 * `decision-answer-submitted` event to the shared log through the job event sink, after checking
 * what the holder would check, so mistakes reach the caller. The holder's `DecisionAnswerRelay`
 * applies it; the first answer to arrive wins there.
 *
 * @throws ReelayError `REELAY_ERR_CONFLICT` when `answer.decisionId` is not the pending one;
 * `REELAY_ERR_VALIDATION` for an unknown option; `REELAY_ERR_INTERNAL` (retryable) when the event
 * could not be stored.
 * @example
 * await submitRemoteAnswer(job, pendingDecisionFromLog(events)!, { option: 'cancel_job' }, { sink, clock });
 */
export async function submitRemoteAnswer(
  job: JobRecord,
  pending: StoredDecisionRequired,
  answer: DecisionAnswerInput,
  parts: { sink: JobEventSink; clock: Clock },
): Promise<void> {
  if (answer.decisionId !== undefined && answer.decisionId !== pending.decisionId) {
    throw new ReelayError(
      'REELAY_ERR_CONFLICT',
      `Decision ${answer.decisionId} is not pending for job ${job.id} (pending: ${pending.decisionId})`,
    );
  }
  if (!(STALL_OPTIONS as readonly string[]).includes(answer.option)) {
    throw new ReelayError(
      'REELAY_ERR_VALIDATION',
      `Unknown decision option "${String(answer.option)}"; expected one of ${STALL_OPTIONS.join(', ')}`,
    );
  }
  const provider = answer.provider?.trim();
  const stored = await parts.sink.append({
    type: 'decision-answer-submitted',
    jobId: job.id,
    timestamp: isoAt(parts.clock),
    correlationId: job.correlationId,
    decisionId: pending.decisionId,
    option: answer.option,
    ...(provider ? { provider } : {}),
  });
  if (!stored) {
    throw new ReelayError(
      'REELAY_ERR_INTERNAL',
      `Could not store the answer to decision ${pending.decisionId} of job ${job.id}; try again`,
      { retryable: true },
    );
  }
  parts.sink.log(job.id, 'info', 'Decision answer sent to the process holding the decision', {
    decisionId: pending.decisionId,
    option: answer.option,
  });
}
