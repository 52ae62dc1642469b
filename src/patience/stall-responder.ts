import type { FallbackPolicy } from '../domain/fallback.js';
import type { Logger } from '../domain/logger.js';
import type { DecisionBroker } from './decision-broker.js';
import type { AlternativesFn, GatewayEvent } from './gateway-types.js';
import type { RunningEntry } from './patient-call-host.js';
import { abortRun, callRef, type RunningOperation } from './running-operation.js';
import { createStallContext } from './stall-context.js';
import type { StallDetector, StallDetectorEvent } from './stall-detector.js';
import { reportOnlyStallHandler, type StallDecision, type StallHandler } from './stall-handlers.js';
import { applyStallOptionToRun, type StallOptionDeps } from './stall-options.js';

const DETECTOR_LOG: Record<StallDetectorEvent['type'], ['info' | 'warn', string]> = {
  'latency-category-changed': ['info', 'PROVIDER_LATENCY_CATEGORY_CHANGE'],
  'stall-suspected': ['warn', 'PROVIDER_STALL_SUSPECTED'],
  'stall-cleared': ['info', 'PROVIDER_STALL_CLEARED'],
};

/** What a {@link StallResponder} works with (the gateway's own parts). */
export interface StallResponderDeps {
  logger: Logger;
  detector: StallDetector<RunningEntry>;
  broker: DecisionBroker;
  /** The stall handler of each fallback policy (a call may bring its own). */
  handlers: Partial<Record<FallbackPolicy, StallHandler>>;
  alternatives: AlternativesFn;
  stallOptions: StallOptionDeps;
  emit: (event: GatewayEvent) => void;
}

/**
 * The gateway's answer to the stall detector: logs and forwards each detector event, and on a
 * suspected stall asks the call's stall handler (its own, else its fallback policy's, else
 * report-only) and applies the decision to the call while it still runs.
 */
export class StallResponder {
  constructor(private readonly deps: StallResponderDeps) {}

  /** Handles one detector event. */
  handle(event: StallDetectorEvent): void {
    const { logger, detector } = this.deps;
    const [level, tag] = DETECTOR_LOG[event.type];
    logger[level]({ ...event, tag }, `${event.provider} ${event.type}`);
    this.deps.emit(event);
    if (event.type !== 'stall-suspected') return;
    const run = detector.get(event.operationId);
    if (!run) return;
    const handler =
      run.stallHandler ?? ((run.policy && this.deps.handlers[run.policy]) || reportOnlyStallHandler);
    const stall = createStallContext(run, event, {
      alternatives: this.deps.alternatives,
      broker: this.deps.broker,
      logger,
      isRunning: (id) => detector.get(id) === run,
    });
    const failed = (err: unknown): void =>
      logger.error({ tag: 'STALL_HANDLER_ERROR', ...callRef(run), err }, 'Stall handler failed');
    try {
      const decision = handler.onStall(stall);
      // A decision known at once (off: stop) is applied at once, within the detector's event.
      if (decision === undefined || !('then' in decision)) {
        this.apply(run, decision).catch(failed);
      } else {
        decision.then((d) => this.apply(run, d)).catch(failed);
      }
    } catch (err) {
      failed(err);
    }
  }

  /** Applies a stall handler's decision to the call it is about, while that call still runs. */
  private async apply(run: RunningOperation, decision: StallDecision | undefined): Promise<void> {
    if (decision === undefined || decision.action === 'wait') return;
    if (this.deps.detector.get(run.operationId) !== run) return;
    const deps = this.deps.stallOptions;
    const id = decision.action === 'stop' ? undefined : decision.decisionId;
    const ref = id === undefined ? {} : { decisionId: id };
    switch (decision.action) {
      case 'stop':
        abortRun(run, decision.error);
        return;
      case 'continue':
        await applyStallOptionToRun(deps, run, { option: decision.option, ...ref });
        return;
      case 'cancel':
        await applyStallOptionToRun(deps, run, { option: 'cancel_job', ...ref });
        return;
      case 'switch':
        await applyStallOptionToRun(
          deps,
          run,
          { option: 'try_alternative', provider: decision.to, ...ref },
          decision.automatic,
        );
        return;
    }
  }
}
