import { ReelayError } from '../domain/errors.js';
import type { ReelayEventOf } from '../domain/events.js';
import type { Logger } from '../domain/logger.js';
import type { DecisionBroker } from './decision-broker.js';
import type { AlternativesFn } from './gateway-types.js';
import type { RunningOperation } from './running-operation.js';
import type { StallContext } from './stall-handlers.js';

/** What the gateway lends to a stall context. */
export interface StallContextDeps {
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
  const alternatives = async () => deps.alternatives(run.jobId, run.stage, run.providerName);
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
    alternatives,
    askPerson: async () => {
      const offered = await alternatives();
      if (!deps.isRunning(run.operationId)) {
        throw new ReelayError(
          'REELAY_ERR_CONFLICT',
          'The stalled call ended before a decision was requested',
          {
            details: { withdrawn: true },
          },
        );
      }
      const handle = deps.broker.request({
        jobId: run.jobId,
        stage: run.stage,
        provider: run.providerName,
        trigger: 'stall',
        alternatives: offered,
        correlationId: run.correlationId,
        operationId: run.operationId,
      });
      return handle.answer;
    },
  };
}
