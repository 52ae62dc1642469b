import { ReelayError } from '../domain/errors.js';
import type { Logger } from '../domain/logger.js';
import type { ProviderType } from '../domain/provider-type.js';
import type { DecisionAnswerInput, DecisionHandle } from './decision-broker.js';
import type { AutomaticStallSwitch } from './stall-options.js';

/** What a {@link StallHandler} gets when a call's stall episode begins. */
export interface StallContext {
  jobId: string;
  operationId: string;
  provider: string;
  providerType: ProviderType;
  stage: string;
  /** Ms since the call started. */
  elapsedMs: number;
  /** Ms since the last progress (since the start when there was none). */
  sinceProgressMs: number;
  correlationId: string;
  /**
   * Applies a stall option to the running call (the gateway's `applyStallOption`). Pass
   * `automatic` when a policy, not a person, chose: a switch is then an `AUTO_AFTER_STALL` decision.
   */
  apply(answer: DecisionAnswerInput, automatic?: AutomaticStallSwitch): Promise<boolean>;
  /** Opens a `decision-required` for this call, offering the gateway's alternatives. */
  requestDecision(): Promise<DecisionHandle>;
  /** Stops the call: `executeWithPatience` rejects with `error`. */
  fail(error: ReelayError): void;
  logger: Logger;
}

/**
 * Reacts to a stall according to a fallback policy. Called once per stall episode; must not
 * throw (errors are logged). The gateway never switches providers on its own: a handler decides.
 */
export interface StallHandler {
  onStall(ctx: StallContext): void | Promise<void>;
}

/** Policy `ask`: emits `decision-required`, waits for the answer, then applies it. */
export const askStallHandler: StallHandler = {
  async onStall(ctx) {
    try {
      const handle = await ctx.requestDecision();
      const answer = await handle.answer;
      await ctx.apply(answer);
    } catch (error) {
      const withdrawn = ReelayError.isInstance(error) && error.details.withdrawn === true;
      ctx.logger[withdrawn ? 'debug' : 'warn'](
        { tag: 'STALL_DECISION_ENDED', jobId: ctx.jobId, operationId: ctx.operationId, err: error },
        withdrawn ? 'Stall decision withdrawn' : 'Stall decision could not be applied',
      );
    }
  },
};

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

/** Policy `off`: fails the call with `REELAY_ERR_STALLED` naming provider, stage and time. */
export const offStallHandler: StallHandler = {
  onStall(ctx) {
    ctx.fail(
      new ReelayError(
        'REELAY_ERR_STALLED',
        `${ctx.provider} made no progress on stage "${ctx.stage}" for ${seconds(ctx.sinceProgressMs)} ` +
          `(${seconds(ctx.elapsedMs)} since the call started), so the call was stopped: the fallback policy ` +
          `is "off". Retry later, choose another provider, or use the "ask" policy to decide on stalls.`,
        {
          provider: ctx.provider,
          stage: ctx.stage,
          correlationId: ctx.correlationId,
          category: 'timeout',
          retryable: true,
          details: { elapsedMs: ctx.elapsedMs, sinceProgressMs: ctx.sinceProgressMs },
        },
      ),
    );
  },
};

/** No policy given: the stall is reported through events and logs only. */
export const reportOnlyStallHandler: StallHandler = {
  onStall() {},
};
