import { ReelayError } from '../domain/errors.js';
import type { AlternativeOption } from '../domain/events.js';
import type { Logger } from '../domain/logger.js';
import type { ProviderType } from '../domain/provider-type.js';
import type { DecisionAnswer } from './decision-broker.js';
import type { AutomaticStallSwitch } from './stall-options.js';

/** What a {@link StallHandler} gets when a call's stall episode begins. */
export interface StallContext {
  jobId: string;
  operationId: string;
  /** Provider id of the stalled call. */
  provider: string;
  providerType: ProviderType;
  stage: string;
  /** Ms since the call started. */
  elapsedMs: number;
  /** Ms since the last progress (since the start when there was none). */
  sinceProgressMs: number;
  correlationId: string;
  /** Ranked alternatives to the stalled provider (the selection engine's, when the router runs). */
  alternatives(): Promise<AlternativeOption[]>;
  /**
   * Asks a person: opens (or joins, for calls of one job stalling together) a `decision-required`
   * about this call and resolves with the answer. Rejects when the decision is withdrawn.
   */
  askPerson(): Promise<DecisionAnswer>;
  logger: Logger;
}

/** The one answer to "this call stalled: what now?". */
export type StallDecision =
  /** Keep waiting; the stall stays reported. */
  | { action: 'wait' }
  /** Keep waiting and suppress stall reports for the option's extension. */
  | { action: 'continue'; option: 'continue_30s' | 'continue_5m'; decisionId?: string }
  /**
   * Record the switch (USER_AFTER_STALL, or AUTO_AFTER_STALL when `automatic`), move the job's
   * lock and stop the call. One decision id is applied once, however many calls it answers.
   */
  | { action: 'switch'; to: string; decisionId?: string; automatic?: AutomaticStallSwitch }
  /** Stop the call with REELAY_ERR_CANCELED and release the job's lock. */
  | { action: 'cancel'; decisionId?: string }
  /** Stop the call with `error`. */
  | { action: 'stop'; error: ReelayError };

/**
 * Reacts to a stall according to a fallback policy: called once per stall episode, it returns
 * the decision and the gateway applies it. It never throws (a rejection is logged) and never
 * acts on the call itself.
 */
export interface StallHandler {
  onStall(stall: StallContext): StallDecision | undefined | Promise<StallDecision | undefined>;
}

/** The stall decision a person's answer means. */
export function stallDecisionOf(answer: DecisionAnswer): StallDecision {
  const decisionId = answer.decisionId;
  switch (answer.option) {
    case 'continue_30s':
    case 'continue_5m':
      return { action: 'continue', option: answer.option, decisionId };
    case 'try_alternative':
      return answer.provider ? { action: 'switch', to: answer.provider, decisionId } : { action: 'wait' };
    case 'cancel_job':
      return { action: 'cancel', decisionId };
  }
}

/** Policy `ask`: emits `decision-required`, waits for the answer, and returns what it means. */
export const askStallHandler: StallHandler = {
  async onStall(stall) {
    try {
      return stallDecisionOf(await stall.askPerson());
    } catch (error) {
      const withdrawn = ReelayError.isInstance(error) && error.details.withdrawn === true;
      stall.logger[withdrawn ? 'debug' : 'warn'](
        { tag: 'STALL_DECISION_ENDED', jobId: stall.jobId, operationId: stall.operationId, err: error },
        withdrawn ? 'Stall decision withdrawn' : 'Stall decision could not be applied',
      );
      return { action: 'wait' };
    }
  },
};

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

/** The error of a call stopped on a stall under policy `off`: provider, stage and times. */
export function stalledError(stall: StallContext): ReelayError {
  return new ReelayError(
    'REELAY_ERR_STALLED',
    `${stall.provider} made no progress on stage "${stall.stage}" for ${seconds(stall.sinceProgressMs)} ` +
      `(${seconds(stall.elapsedMs)} since the call started), so the call was stopped: the fallback policy ` +
      `is "off". Retry later, choose another provider, or use the "ask" policy to decide on stalls.`,
    {
      provider: stall.provider,
      stage: stall.stage,
      correlationId: stall.correlationId,
      category: 'timeout',
      retryable: true,
      details: { elapsedMs: stall.elapsedMs, sinceProgressMs: stall.sinceProgressMs },
    },
  );
}

/** Policy `off`: stops the call with `REELAY_ERR_STALLED` naming provider, stage and time. */
export const offStallHandler: StallHandler = {
  onStall: (stall) => ({ action: 'stop', error: stalledError(stall) }),
};

/** No policy given: the stall is reported through events and logs only. */
export const reportOnlyStallHandler: StallHandler = {
  onStall: () => ({ action: 'wait' }),
};
