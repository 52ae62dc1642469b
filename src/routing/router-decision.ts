import type { Clock } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import type { AlternativeOption } from '../domain/events.js';
import type { Logger } from '../domain/logger.js';
import type { Provider } from '../domain/provider.js';
import type { ProviderGateway } from '../patience/provider-gateway.js';
import type { FailureDecision } from './fallback-policies.js';
import type { ProviderDirectory } from './provider-catalog.js';
import type { RouterEpisode } from './router-episode.js';
import { canceledAtDecision } from './router-support.js';
import { stageFailedError } from './stage-failure.js';

/** What acting on a fallback decision needs: the gateway that records switches, and the catalog. */
export interface DecisionDeps {
  gateway: ProviderGateway;
  registry: ProviderDirectory;
  clock: Clock;
  logger: Logger;
}

/** The provider `id` of the episode's kind, typed as the call's provider. */
export function providerFor<P extends Provider>(
  registry: ProviderDirectory,
  id: string,
  episode: { call: { kind: P['kind'] } },
): P {
  return registry.get(id, episode.call.kind) as P;
}

/**
 * Acts on a fallback policy's decision after a failed turn: `retry` returns (same provider
 * again), `stop` throws the stage's final error (or the cancel), `switch` records the fallback
 * decision through the gateway — which moves the job's lock — and moves the episode to the new
 * provider.
 */
export async function followDecision<T, P extends Provider>(
  deps: DecisionDeps,
  episode: RouterEpisode<T, P>,
  decision: FailureDecision,
  error: unknown,
  alternatives: readonly AlternativeOption[],
): Promise<void> {
  const { call } = episode;
  const from = episode.provider;
  const category = ReelayError.isInstance(error) ? error.category : undefined;
  switch (decision.action) {
    case 'retry':
      deps.logger.info({ tag: 'RETRY_SAME_AFTER_DECISION', jobId: call.jobId, provider: from.id });
      return;
    case 'stop':
      if (decision.why === 'canceled-by-user') {
        throw canceledAtDecision(call.stage, from.id, episode.attempts, call.correlationId, error);
      }
      throw stageFailedError({
        stage: call.stage,
        provider: from.id,
        category,
        policy: call.policy,
        attempts: episode.attempts,
        alternatives: [...alternatives],
        why: decision.why,
        correlationId: call.correlationId,
        cause: error,
        ...(call.label ? { label: call.label } : {}),
      });
    case 'switch': {
      const to = providerFor<P>(deps.registry, decision.to, episode);
      if (decision.degrade) {
        episode.degradationsLeft = episode.degradationsLeft.filter((id) => id !== to.id);
        episode.degraded = true;
      }
      await deps.gateway.switchProvider({
        jobId: call.jobId,
        fromProvider: from.id,
        toProvider: to.id,
        toProviderType: to.profileType,
        reason: decision.reason,
        elapsedBeforeSwitchMs: Math.max(0, deps.clock.now() - episode.since),
        correlationId: call.correlationId,
        stages: [call.stage],
        context: `${call.label ? `${call.label}: ` : ''}${decision.context}`,
        ...(category ? { errorCategory: category } : {}),
        ...(decision.reason === 'DEGRADED' ? { userConfirmed: decision.userConfirmed } : {}),
      });
      episode.switches++;
      episode.provider = to;
      episode.since = deps.clock.now();
      return;
    }
  }
}
