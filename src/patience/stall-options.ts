import type { ProviderTimeoutProfileLoader } from '../config/timeout-profile-loader.js';
import type { Clock } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import type { ReelayEventOf } from '../domain/events.js';
import type { IdGenerator } from '../domain/ids.js';
import type { Logger } from '../domain/logger.js';
import type { DecisionAnswerInput, DecisionBroker } from './decision-broker.js';
import type { FallbackRecorder } from './fallback-recorder.js';
import type { ProviderLockRegistry } from './provider-lock-registry.js';
import { ProviderSwitchRequestedError } from './provider-switch-error.js';
import { abortRun, type RunningOperation } from './running-operation.js';
import type { StallDetector } from './stall-detector.js';

/** Marks a stall option applied by an automatic policy (no person answered). */
export interface AutomaticStallSwitch {
  /** Why this alternative, e.g. the selection score. */
  context?: string;
  /** Timeout-profile type of the provider switched to. */
  toProviderType?: import('../domain/provider-type.js').ProviderType;
}

/** What {@link applyStallOptionToRun} works with. */
export interface StallOptionDeps {
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  profiles: ProviderTimeoutProfileLoader;
  detector: StallDetector;
  broker: DecisionBroker;
  locks: ProviderLockRegistry;
  recorder: FallbackRecorder;
  emit: (event: ReelayEventOf<'decision-answered'>) => void;
  /**
   * Switches already recorded per decision id. Calls of one job that stall together share one
   * decision: its answer is recorded (and the lock moved) once; the other calls follow it.
   */
  switches: Map<string, Promise<SwitchOutcome>>;
}

/** A recorded switch and the lock it produced. */
export type SwitchOutcome = Awaited<ReturnType<FallbackRecorder['switchProvider']>>;

// Decision ids remembered for joining calls; a decision is answered at most once, so a few suffice.
const REMEMBERED_SWITCHES = 256;

function recordOnce(
  deps: StallOptionDeps,
  decisionId: string | undefined,
  record: () => Promise<SwitchOutcome>,
) {
  if (decisionId === undefined) return record();
  const known = deps.switches.get(decisionId);
  if (known) return known;
  const recorded = record();
  deps.switches.set(decisionId, recorded);
  recorded.catch(() => deps.switches.delete(decisionId));
  if (deps.switches.size > REMEMBERED_SWITCHES) {
    const oldest = deps.switches.keys().next().value;
    if (oldest !== undefined) deps.switches.delete(oldest);
  }
  return recorded;
}

/**
 * Applies a stall option to a running call: continue_30s / continue_5m suppress stall reports for
 * the profile file's extension; try_alternative records USER_AFTER_STALL (user confirmed), moves
 * the lock and aborts the call with {@link ProviderSwitchRequestedError}; cancel_job aborts with
 * REELAY_ERR_CANCELED and releases the lock.
 */
export async function applyStallOptionToRun(
  deps: StallOptionDeps,
  run: RunningOperation,
  answer: DecisionAnswerInput,
  automatic?: AutomaticStallSwitch,
): Promise<boolean> {
  if (answer.option === 'try_alternative' && !answer.provider?.trim()) {
    throw new ReelayError('REELAY_ERR_VALIDATION', 'try_alternative needs the provider to switch to');
  }
  if (answer.decisionId === undefined && !automatic) {
    // Applied directly, not through a pending decision: withdraw any and announce this one.
    deps.broker.withdrawForOperation(run.operationId, `answered directly with ${answer.option}`);
    deps.emit({
      type: 'decision-answered',
      jobId: run.jobId,
      timestamp: new Date(deps.clock.now()).toISOString(),
      correlationId: run.correlationId,
      decisionId: deps.ids('decision'),
      option: answer.option,
      ...(answer.provider ? { provider: answer.provider } : {}),
    });
  }
  deps.logger.info(
    {
      tag: 'STALL_OPTION_APPLIED',
      jobId: run.jobId,
      operationId: run.operationId,
      correlationId: run.correlationId,
      option: answer.option,
      provider: answer.provider,
    },
    `Stall option ${answer.option} applied to ${run.providerName} on ${run.stage}`,
  );
  switch (answer.option) {
    case 'continue_30s':
    case 'continue_5m': {
      const extension = deps.profiles.getConfiguration().stallDialogOptions[answer.option].extensionMs;
      return deps.detector.suppress(run.operationId, extension);
    }
    case 'try_alternative': {
      const next = answer.provider!.trim();
      const { decision, lock } = await recordOnce(deps, answer.decisionId, () =>
        deps.recorder.switchProvider({
          jobId: run.jobId,
          fromProvider: run.providerName,
          toProvider: next,
          reason: automatic ? 'AUTO_AFTER_STALL' : 'USER_AFTER_STALL',
          elapsedBeforeSwitchMs: deps.clock.now() - run.startedAt,
          correlationId: run.correlationId,
          stages: deps.locks.get(run.jobId)?.stages ?? [run.stage],
          errorCategory: 'timeout',
          ...(automatic?.toProviderType ? { toProviderType: automatic.toProviderType } : {}),
          ...(automatic?.context ? { context: automatic.context } : {}),
        }),
      );
      abortRun(
        run,
        new ProviderSwitchRequestedError({
          jobId: run.jobId,
          stage: run.stage,
          fromProvider: run.providerName,
          nextProvider: next,
          nextProviderType: lock?.providerType ?? deps.profiles.resolveProviderType(next),
          decisionId: decision.id,
          reason: decision.reason,
          correlationId: run.correlationId,
        }),
      );
      return true;
    }
    case 'cancel_job':
      abortRun(
        run,
        new ReelayError(
          'REELAY_ERR_CANCELED',
          `Job ${run.jobId} was canceled by the user while ${run.providerName} was stalled on stage ` +
            `"${run.stage}"; partial results of earlier stages are kept.`,
          { provider: run.providerName, stage: run.stage, correlationId: run.correlationId },
        ),
      );
      deps.locks.release(run.jobId, 'canceled by the user after a stall');
      return true;
  }
}
