import { type Clock, isoAt, systemClock } from '../domain/clock.js';
import { type Disposable, TypedEmitter } from '../domain/disposable.js';
import type { ErrorCategory } from '../domain/error-category.js';
import { ReelayError } from '../domain/errors.js';
import type { AlternativeOption, ReelayEventOf } from '../domain/events.js';
import type { FallbackReason } from '../domain/fallback.js';
import { type IdGenerator, randomIds } from '../domain/ids.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import type { Provider } from '../domain/provider.js';
import type { ProviderGateway } from '../patience/provider-gateway.js';
import { ProviderSwitchRequestedError } from '../patience/provider-switch-error.js';
import type { CircuitBreakerRegistry } from '../resilience/circuit-breaker-registry.js';
import { classifyError } from '../resilience/classify-error.js';
import type { ErrorRecoveryEngine } from '../resilience/error-recovery-engine.js';
import type { BudgetGuard } from './budget.js';
import { CallRecorder } from './call-recorder.js';
import type { CostTracker } from './cost-tracker.js';
import { applyFallbackPolicy, type PolicyHost } from './fallback-policy.js';
import type { JobFailureHistory } from './job-failure-history.js';
import type { ProviderPerformanceTracker } from './performance-tracker.js';
import type { ProviderDirectory } from './provider-catalog.js';
import type { RouterEpisode } from './router-episode.js';
import { budgetRefusal, isCanceled } from './router-support.js';
import { type ProviderSelectionEngine, toAlternatives } from './selection-engine.js';
import type { ProviderRunner, StageCall, StageCallResult } from './stage-call.js';

/** Options of {@link FallbackRouter}. */
export interface FallbackRouterOptions {
  gateway: ProviderGateway;
  registry: ProviderDirectory;
  selection: ProviderSelectionEngine;
  recovery: ErrorRecoveryEngine;
  breakers: CircuitBreakerRegistry;
  failures: JobFailureHistory;
  tracker?: ProviderPerformanceTracker;
  costs?: CostTracker;
  /** Budgets checked before each provider is tried. */
  budget?: BudgetGuard;
  /** Automatic switches allowed per stage call under `auto`. @default 3 */
  maxSwitchesPerStage?: number;
  clock?: Clock;
  ids?: IdGenerator;
  logger?: Logger;
}

/** Events the router adds to the gateway's. */
export type RouterEvent = ReelayEventOf<'retry-scheduled'>;

/**
 * Runs each provider call of a stage dependably, under the job's fallback policy: same-provider
 * retries per error category (every policy), breaker accounting, performance and cost recording,
 * patience through the gateway — then, when a provider is done for, `ask` (a decision through the
 * gateway), `auto` (the best healthy alternative from the selection engine, recorded) or `off`
 * (a clear error naming provider, category, attempts and alternatives). Every switch is a recorded
 * fallback decision; a degradation is a `DEGRADED` decision.
 *
 * @example
 * const { value, provider } = await router.run({ jobId, correlationId, stage: 'script', kind: 'llm',
 *   preferred: 'openai', policy: 'auto', signal, call: (p, ctx) => p.chat(request, ctx) });
 */
export class FallbackRouter implements ProviderRunner {
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly logger: Logger;
  private readonly emitter: TypedEmitter<RouterEvent>;
  private readonly maxSwitches: number;
  private readonly calls: CallRecorder;
  private readonly host: PolicyHost;

  constructor(private readonly options: FallbackRouterOptions) {
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? randomIds;
    this.logger = options.logger ?? silentLogger;
    this.maxSwitches = options.maxSwitchesPerStage ?? 3;
    this.emitter = new TypedEmitter((err) => this.logger.error({ tag: 'ROUTER_LISTENER_ERROR', err }));
    this.calls = new CallRecorder({
      clock: this.clock,
      logger: this.logger,
      tracker: options.tracker,
      costs: options.costs,
    });
    this.host = {
      gateway: options.gateway,
      failures: options.failures,
      clock: this.clock,
      logger: this.logger,
      maxSwitches: this.maxSwitches,
      alternatives: (jobId, stage, provider, exclude) => this.alternatives(jobId, stage, provider, exclude),
      lookup: (id, episode) => this.lookup(id, episode),
      switchTo: (episode, to, reason, category, context, userConfirmed) =>
        this.switchTo(episode, to, reason, category, context, userConfirmed),
    };
  }

  /** Listens to router events (`retry-scheduled`). */
  onAny(listener: (event: RouterEvent) => void): Disposable {
    return this.emitter.onAny(listener);
  }

  /** Ranked alternatives to `provider` for a stage (used by `ask` and by the gateway's stall dialog). */
  alternatives(
    jobId: string,
    stage: string,
    provider: string,
    exclude: readonly string[] = [],
  ): AlternativeOption[] {
    const spec = this.options.registry.find(provider);
    if (!spec) return [];
    const result = this.options.selection.selectProviders({
      kind: spec.kind,
      stage,
      jobId,
      exclude: [provider, ...exclude],
    });
    return toAlternatives(result.candidates);
  }

  async run<T, P extends Provider = Provider>(call: StageCall<T, P>): Promise<StageCallResult<T, P>> {
    const first = this.initialProvider(call);
    const episode: RouterEpisode<T, P> = {
      call,
      provider: first,
      tried: new Set(),
      attempts: [],
      switches: 0,
      since: this.clock.now(),
      degraded: false,
      degradationsLeft: [...(call.degradations ?? [])],
    };
    for (;;) {
      call.signal.throwIfAborted();
      episode.tried.add(episode.provider.id);
      this.ensureLock(episode);
      const overBudget = budgetRefusal(
        this.options.budget,
        call.jobId,
        episode.provider.id,
        call.correlationId,
      );
      if (overBudget) {
        await applyFallbackPolicy(this.host, episode, overBudget);
        continue;
      }
      try {
        const value = await this.attemptProvider(episode);
        return {
          value,
          provider: episode.provider,
          switched: episode.provider !== first,
          degraded: episode.degraded,
        };
      } catch (error) {
        if (call.signal.aborted) throw call.signal.reason ?? error;
        if (ProviderSwitchRequestedError.isInstance(error)) {
          // A recorded decision (user after a stall, or auto after a stall) moved the lock.
          episode.provider = this.lookup(error.nextProvider, episode);
          episode.switches++;
          episode.since = this.clock.now();
          continue;
        }
        if (isCanceled(error)) throw error;
        await applyFallbackPolicy(this.host, episode, error);
      }
    }
  }

  /** One provider: breaker → same-provider retries → gateway (patience) → the stage's call. */
  private async attemptProvider<T, P extends Provider>(episode: RouterEpisode<T, P>): Promise<T> {
    const { call } = episode;
    const provider = episode.provider;
    const breaker = this.options.breakers.get(provider.id);
    // A switch or cancel decided during the call must not be retried or held against the provider:
    // it aborts this controller, which the engine and the breaker both treat as "not a failure".
    const control = new AbortController();
    const onOuterAbort = (): void => control.abort(call.signal.reason);
    call.signal.addEventListener('abort', onOuterAbort, { once: true });
    try {
      return await this.options.recovery.execute(
        (attempt, signal) =>
          breaker.execute(async (breakerSignal) => {
            const startedAt = this.clock.now();
            let firstProgressAt: number | undefined;
            try {
              const value = await this.options.gateway.executeWithPatience({
                jobId: call.jobId,
                providerName: provider.id,
                providerType: provider.profileType,
                stage: call.stage,
                correlationId: call.correlationId,
                heartbeatKind: provider.capabilities.heartbeat,
                fallbackPolicy: call.policy,
                attempt,
                signal: breakerSignal,
                operation: (ctx) =>
                  call.call(provider, {
                    signal: ctx.signal,
                    heartbeat: (beat) => {
                      firstProgressAt ??= this.clock.now();
                      ctx.heartbeat(beat);
                    },
                  }),
              });
              this.calls.record({ provider, jobId: call.jobId, startedAt, firstProgressAt, ok: true, value });
              return value;
            } catch (error) {
              if (ProviderSwitchRequestedError.isInstance(error) || isCanceled(error)) {
                control.abort(error);
                throw error;
              }
              const classified = classifyError(error, { provider: provider.id });
              this.calls.record({
                provider,
                jobId: call.jobId,
                startedAt,
                firstProgressAt,
                ok: false,
                ...(classified.category ? { category: classified.category } : {}),
              });
              throw classified;
            }
          }, signal),
        {
          provider: provider.id,
          signal: control.signal,
          onAttemptFailed: (record) => episode.attempts.push({ ...record, provider: provider.id }),
          onRetryScheduled: (retry) =>
            this.emitter.emit({
              type: 'retry-scheduled',
              jobId: call.jobId,
              timestamp: isoAt(this.clock),
              correlationId: call.correlationId,
              provider: provider.id,
              providerType: provider.profileType,
              stage: call.stage,
              operationId: this.ids('retry'),
              attempt: retry.attempt,
              delayMs: retry.delayMs,
              category: retry.category,
            }),
        },
      );
    } catch (error) {
      if (control.signal.aborted && !call.signal.aborted) throw control.signal.reason;
      throw error;
    } finally {
      call.signal.removeEventListener('abort', onOuterAbort);
    }
  }

  private async switchTo<T, P extends Provider>(
    episode: RouterEpisode<T, P>,
    to: P,
    reason: FallbackReason,
    category: ErrorCategory | undefined,
    context: string,
    userConfirmed: boolean,
  ): Promise<void> {
    const { call } = episode;
    this.ensureLock(episode);
    await this.options.gateway.switchProvider({
      jobId: call.jobId,
      fromProvider: episode.provider.id,
      toProvider: to.id,
      toProviderType: to.profileType,
      reason,
      elapsedBeforeSwitchMs: Math.max(0, this.clock.now() - episode.since),
      correlationId: call.correlationId,
      stages: [call.stage],
      context: `${call.label ? `${call.label}: ` : ''}${context}`,
      ...(category ? { errorCategory: category } : {}),
      ...(reason === 'DEGRADED' ? { userConfirmed } : {}),
    });
    episode.switches++;
    episode.provider = to;
    episode.since = this.clock.now();
  }

  private initialProvider<T, P extends Provider>(call: StageCall<T, P>): P {
    if (call.preferred) return this.lookup(call.preferred, { call });
    const { candidates, excluded } = this.options.selection.selectProviders({
      kind: call.kind,
      stage: call.stage,
      jobId: call.jobId,
      exclude: call.degradations ?? [],
    });
    const best = candidates[0] ?? (call.degradations?.[0] ? { provider: call.degradations[0] } : undefined);
    if (!best) {
      throw new ReelayError(
        'REELAY_ERR_NO_ALTERNATIVE',
        `No ${call.kind} provider can serve stage "${call.stage}": ${excluded.map((e) => `${e.provider} (${e.reason})`).join('; ') || 'none is configured'}`,
        { stage: call.stage, correlationId: call.correlationId },
      );
    }
    return this.lookup(best.provider, { call });
  }

  private lookup<P extends Provider>(id: string, episode: { call: StageCall<unknown, P> }): P {
    return this.options.registry.get(id, episode.call.kind) as P;
  }

  /** Each stage holds the job's lock on its provider (stages run one at a time per job). */
  private ensureLock<T, P extends Provider>(episode: RouterEpisode<T, P>): void {
    const { gateway } = this.options;
    const { call, provider } = episode;
    const lock = gateway.getLock(call.jobId);
    if (lock?.providerName === provider.id) return;
    if (lock) gateway.releaseProviderLock(call.jobId, `stage ${call.stage} uses ${provider.id}`);
    gateway.lockProvider(call.jobId, provider.id, provider.profileType, call.correlationId, {
      stages: [call.stage],
    });
  }
}
