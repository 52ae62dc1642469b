import { ReelayError } from '../domain/errors.js';
import type { ReelayEventOf } from '../domain/events.js';
import type { Logger } from '../domain/logger.js';
import type { DecisionAnswerInput, DecisionBroker } from './decision-broker.js';
import type { AlternativesFn } from './gateway-types.js';
import { abortRun, type RunningOperation } from './running-operation.js';
import type { StallContext } from './stall-handlers.js';
import type { AutomaticStallSwitch } from './stall-options.js';

/** What the gateway lends to a stall context. */
export interface StallContextDeps {
  apply: (
    operationId: string,
    answer: DecisionAnswerInput,
    automatic?: AutomaticStallSwitch,
  ) => Promise<boolean>;
  alternatives: AlternativesFn;
  broker: DecisionBroker;
  logger: Logger;
  isRunning: (operationId: string) => boolean;
}

/** Builds the {@link StallContext} handed to a stall handler for one stall episode. */
export function createStallContext(
  run: RunningOperation,
  event: ReelayEventOf<'stall-suspected'>,
  deps: StallContextDeps,
): StallContext {
  return {
    jobId: run.jobId,
    operationId: run.operationId,
    provider: run.providerName,
    providerType: run.providerType,
    stage: run.stage,
    elapsedMs: event.elapsedMs,
    sinceProgressMs: event.sinceProgressMs,
    correlationId: run.correlationId,
    logger: deps.logger,
    apply: (answer, automatic) => deps.apply(run.operationId, answer, automatic),
    fail: (error) => {
      if (deps.isRunning(run.operationId)) abortRun(run, error);
    },
    requestDecision: async () => {
      const alternatives = await deps.alternatives(run.jobId, run.stage, run.providerName);
      if (!deps.isRunning(run.operationId)) {
        throw new ReelayError(
          'REELAY_ERR_CONFLICT',
          'The stalled call ended before a decision was requested',
          {
            details: { withdrawn: true },
          },
        );
      }
      return deps.broker.request({
        jobId: run.jobId,
        stage: run.stage,
        provider: run.providerName,
        trigger: 'stall',
        alternatives,
        correlationId: run.correlationId,
        operationId: run.operationId,
      });
    },
  };
}
