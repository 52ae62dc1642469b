import { type Clock, isoAt } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import type { AlternativeOption } from '../domain/events.js';
import type { Provider } from '../domain/provider.js';
import type { ProviderGateway } from '../patience/provider-gateway.js';
import { RecoveryExhaustedError } from '../resilience/recovery-exhausted-error.js';
import type { CallFailure } from './fallback-policies.js';
import type { JobFailureHistory } from './job-failure-history.js';
import type { RouterEpisode } from './router-episode.js';
import { abortable, categoryOf, isCircuitOpen, retryableOf } from './router-support.js';

/** What {@link failureOf} needs from the router. */
export interface FailureDeps {
  clock: Clock;
  failures: JobFailureHistory;
  gateway: Pick<ProviderGateway, 'requestDecision' | 'getPendingDecision' | 'withdrawDecisions'>;
  maxSwitches: number;
  /** Ranked alternatives to the episode's provider, without `exclude`. */
  alternatives(exclude: readonly string[]): AlternativeOption[];
}

/**
 * The facts a fallback policy decides on, for the episode's provider that is done for: records the
 * failure in the job's history (and, when the call was refused before any attempt, an attempt 0 in
 * the stage's audit trail), and lends `askPerson` for the `ask` policy.
 */
export function failureOf<T, P extends Provider>(
  episode: RouterEpisode<T, P>,
  error: unknown,
  deps: FailureDeps,
): CallFailure {
  const { call } = episode;
  const from = episode.provider;
  const exhausted = RecoveryExhaustedError.isInstance(error);
  if (!exhausted) {
    // Refused before any attempt (budget): still part of the audit trail inside the error.
    episode.attempts.push({
      provider: from.id,
      attempt: 0,
      category: categoryOf(error) ?? 'system_error',
      message: (error as Error).message,
      delayMs: 0,
      timestamp: isoAt(deps.clock),
    });
  }
  const category = categoryOf(error);
  deps.failures.recordFailure(call.jobId, call.stage, from.id, category ?? 'system_error');
  return {
    call: { jobId: call.jobId, stage: call.stage, provider: from.id, correlationId: call.correlationId },
    error,
    category,
    next: exhausted ? error.next : 'switch',
    circuitOpen: isCircuitOpen(error),
    alternatives: deps.alternatives([...episode.tried, ...episode.degradationsLeft]),
    degradations: [...episode.degradationsLeft],
    switches: episode.switches,
    maxSwitches: deps.maxSwitches,
    attempts: episode.attempts,
    askPerson: (options) => {
      const handle = deps.gateway.requestDecision({
        jobId: call.jobId,
        stage: call.stage,
        provider: from.id,
        trigger: 'error',
        error: {
          code: ReelayError.isInstance(error) ? error.code : 'REELAY_ERR_PROVIDER',
          message: (error as Error).message,
          provider: from.id,
          stage: call.stage,
          retryable: retryableOf(error),
          correlationId: call.correlationId,
          attempts: episode.attempts,
          ...(category ? { category } : {}),
        },
        alternatives: [...options],
        correlationId: call.correlationId,
      });
      return abortable(handle.answer, call.signal).catch((aborted: unknown) => {
        // Nobody will act on an answer any more: withdraw the decision so the job is not left asking.
        if (deps.gateway.getPendingDecision(call.jobId)?.decisionId === handle.decisionId) {
          deps.gateway.withdrawDecisions(call.jobId, 'the stage call was aborted');
        }
        throw aborted;
      });
    },
  };
}
