import type { ProviderGateway } from '../patience/provider-gateway.js';
import type { EventLog } from '../state/event-log.js';
import type { JobEventSink } from './job-event-sink.js';
import type { JobRecord } from './job-record.js';
import { openDecisionFromLog } from './pending-decision-from-log.js';

/** The worker's hooks that keep the gateway's decisions and locks in step with the job's life. */
export interface JobDecisionHooks {
  /** Before a resumed attempt: carries over the decision the dead attempt left open. */
  onAttemptStart: (job: JobRecord) => Promise<void>;
  /** When the job ends: withdraws its pending decision, releases its provider lock, runs `onEnd`. */
  onJobEnd: (jobId: string) => void;
}

/**
 * The {@link JobDecisionHooks} over one gateway: a resumed job (attempt 2 or later) whose previous
 * worker died with a decision open gets that decision back — with its answer when one was given —
 * instead of being asked again; a job that ends leaves no pending decision or lock behind (and
 * `onEnd` releases whatever else the process kept for it).
 */
export function jobDecisionHooks(
  gateway: ProviderGateway,
  events: EventLog,
  sink: JobEventSink,
  onEnd?: (jobId: string) => void,
): JobDecisionHooks {
  return {
    onAttemptStart: async (job) => {
      if (job.attempts < 2) return;
      const open = openDecisionFromLog(await events.read(job.id, 0, 100_000));
      if (!open) return;
      const { decisionId, stage, provider } = open.decision;
      gateway.carryOverDecision(job.id, {
        decisionId,
        stage,
        provider,
        ...(open.answer ? { answer: open.answer } : {}),
      });
      sink.log(job.id, 'info', 'Carried over the decision the previous attempt left open', {
        decisionId,
        answered: open.answer !== undefined,
      });
    },
    onJobEnd: (jobId) => {
      gateway.withdrawDecisions(jobId, 'job ended');
      if (gateway.getLock(jobId)) gateway.releaseProviderLock(jobId, 'job ended');
      // E.g. the job's in-process failure history: the store keeps it.
      onEnd?.(jobId);
    },
  };
}
