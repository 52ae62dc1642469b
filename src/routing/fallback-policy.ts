import { type Clock, isoAt } from '../domain/clock.js';
import type { ErrorCategory } from '../domain/error-category.js';
import { ReelayError } from '../domain/errors.js';
import type { AlternativeOption } from '../domain/events.js';
import type { FallbackReason } from '../domain/fallback.js';
import type { Logger } from '../domain/logger.js';
import type { Provider } from '../domain/provider.js';
import type { ProviderGateway } from '../patience/provider-gateway.js';
import { RecoveryExhaustedError } from '../resilience/recovery-exhausted-error.js';
import type { JobFailureHistory } from './job-failure-history.js';
import type { RouterEpisode } from './router-episode.js';
import {
  abortable,
  canceledAtDecision,
  categoryOf,
  degradationOption,
  isCircuitOpen,
  retryableOf,
} from './router-support.js';
import { stageFailedError } from './stage-failure.js';

/** What a policy needs from the router. */
export interface PolicyHost {
  gateway: ProviderGateway;
  failures: JobFailureHistory;
  clock: Clock;
  logger: Logger;
  maxSwitches: number;
  alternatives(
    jobId: string,
    stage: string,
    provider: string,
    exclude: readonly string[],
  ): AlternativeOption[];
  lookup<P extends Provider>(id: string, episode: RouterEpisode<unknown, P>): P;
  /** Records the switch (a fallback decision) and moves the episode and the lock to `to`. */
  switchTo<T, P extends Provider>(
    episode: RouterEpisode<T, P>,
    to: P,
    reason: FallbackReason,
    category: ErrorCategory | undefined,
    context: string,
    userConfirmed: boolean,
  ): Promise<void>;
}

/**
 * The job's fallback policy, once the current provider is done for (retries exhausted, breaker
 * open, over budget, or not retryable): `off` fails the stage with a clear error; `ask` opens a
 * decision and does what the answer says; `auto` switches to the best alternative (or degrades).
 * Returns to let the router try the episode's (possibly new) provider; throws to end the stage.
 */
export async function applyFallbackPolicy<T, P extends Provider>(
  host: PolicyHost,
  episode: RouterEpisode<T, P>,
  error: unknown,
): Promise<void> {
  const { call } = episode;
  const from = episode.provider;
  if (!RecoveryExhaustedError.isInstance(error)) {
    // Refused before any attempt (budget): still part of the audit trail inside the error.
    episode.attempts.push({
      provider: from.id,
      attempt: 0,
      category: categoryOf(error) ?? 'system_error',
      message: (error as Error).message,
      delayMs: 0,
      timestamp: isoAt(host.clock),
    });
  }
  const category = categoryOf(error);
  host.failures.recordFailure(call.jobId, call.stage, from.id, category ?? 'system_error');
  const alternatives = host.alternatives(call.jobId, call.stage, from.id, [
    ...episode.tried,
    ...episode.degradationsLeft,
  ]);
  const fail = (why: 'policy-off' | 'no-alternative' | 'switch-limit'): never => {
    throw stageFailedError({
      stage: call.stage,
      provider: from.id,
      category,
      policy: call.policy,
      attempts: episode.attempts,
      alternatives,
      why,
      correlationId: call.correlationId,
      cause: error,
      ...(call.label ? { label: call.label } : {}),
    });
  };
  if (call.policy === 'off') fail('policy-off');
  if (call.policy === 'ask') return askAfterError(host, episode, error, alternatives);

  const next = RecoveryExhaustedError.isInstance(error) ? error.next : 'switch';
  if (next === 'degrade' && episode.degradationsLeft.length > 0) return degrade(host, episode, category);
  if (episode.switches >= host.maxSwitches) fail('switch-limit');
  const best = alternatives[0];
  if (best) {
    const to = host.lookup(best.provider, episode);
    const reason: FallbackReason = isCircuitOpen(error) ? 'AUTO_CIRCUIT_OPEN' : 'AUTO_AFTER_ERROR';
    const context = `score ${Math.round(best.score)}: ${best.reasons[0] ?? ''}`;
    return host.switchTo(episode, to, reason, category, context, false);
  }
  if (episode.degradationsLeft.length > 0) return degrade(host, episode, category);
  fail('no-alternative');
}

/** `ask`: a `decision-required` with the ranked alternatives; nothing switches until answered. */
async function askAfterError<T, P extends Provider>(
  host: PolicyHost,
  episode: RouterEpisode<T, P>,
  error: unknown,
  alternatives: AlternativeOption[],
): Promise<void> {
  const { call } = episode;
  const from = episode.provider;
  const category = categoryOf(error);
  const handle = host.gateway.requestDecision({
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
    alternatives: [...alternatives, ...episode.degradationsLeft.map((id) => degradationOption(id))],
    correlationId: call.correlationId,
  });
  const answer = await abortable(handle.answer, call.signal).catch((aborted: unknown) => {
    // Nobody will act on an answer any more: withdraw the decision so the job is not left asking.
    if (host.gateway.getPendingDecision(call.jobId)?.decisionId === handle.decisionId) {
      host.gateway.withdrawDecisions(call.jobId, 'the stage call was aborted');
    }
    throw aborted;
  });
  if (answer.option === 'cancel_job') {
    throw canceledAtDecision(call.stage, from.id, episode.attempts, call.correlationId, error);
  }
  if (answer.option === 'try_alternative' && answer.provider) {
    const to = host.lookup(answer.provider, episode);
    const reason: FallbackReason = episode.degradationsLeft.includes(to.id)
      ? 'DEGRADED'
      : 'PROVIDER_FATAL_ERROR';
    const context = `after ${category ?? 'an error'}: user chose ${to.id}`;
    return host.switchTo(episode, to, reason, category, context, true);
  }
  // continue_30s / continue_5m after an error: the user wants the same provider tried again.
  host.logger.info({ tag: 'RETRY_SAME_AFTER_DECISION', jobId: call.jobId, provider: from.id });
}

/** Uses the next declared degradation (a `DEGRADED` decision). */
function degrade<T, P extends Provider>(
  host: PolicyHost,
  episode: RouterEpisode<T, P>,
  category: ErrorCategory | undefined,
): Promise<void> {
  const id = episode.degradationsLeft.shift() as string;
  const to = host.lookup(id, episode);
  episode.degraded = true;
  return host.switchTo(
    episode,
    to,
    'DEGRADED',
    category,
    `quality reduced to finish: ${to.displayName}`,
    false,
  );
}
