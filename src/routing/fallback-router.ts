import type { HedgingConfigInput } from '../config/hedging-schema.js';
import type { CallContext, CallPolicy } from '../domain/call-context.js';
import { type Clock, isoAt, systemClock } from '../domain/clock.js';
import { type Disposable, TypedEmitter } from '../domain/disposable.js';
import { ReelayError } from '../domain/errors.js';
import type { AlternativeOption, ReelayEventOf } from '../domain/events.js';
import { type IdGenerator, randomIds } from '../domain/ids.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import type { Provider } from '../domain/provider.js';
import type { ProviderGateway } from '../patience/provider-gateway.js';
import type { BulkheadRegistry } from '../resilience/bulkhead-registry.js';
import type { CircuitBreakerRegistry } from '../resilience/circuit-breaker-registry.js';
import type { ErrorRecoveryEngine } from '../resilience/error-recovery-engine.js';
import type { RateLimiter } from '../resilience/rate-limiter.js';
import type { BudgetGuard } from './budget.js';
import type { CostTracker } from './cost-tracker.js';
import { createFallbackPolicies, type FallbackPolicies } from './fallback-policies.js';
import type { HedgePlanner } from './hedge-planner.js';
import type { HedgedTurns } from './hedged-turn.js';
import type { JobFailureHistory } from './job-failure-history.js';
import type { ProviderPerformanceTracker } from './performance-tracker.js';
import type { ProviderDirectory } from './provider-catalog.js';
import { type DecisionDeps, followDecision, providerFor } from './router-decision.js';
import type { RouterEpisode } from './router-episode.js';
import { failureOf } from './router-failure.js';
import { createRouterPipeline } from './router-pipeline.js';
import { isCanceled } from './router-support.js';
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
  /** Proactive rate limits, taken by each attempt (`rateLimit` step). @default none */
  rateLimiter?: RateLimiter;
  /** Per-provider call slots and queues (`bulkhead` step). @default none */
  bulkheads?: BulkheadRegistry;
  /** The fallback policy objects. @default createFallbackPolicies({ catalog: registry, neverAutoSelect }) */
  policies?: FallbackPolicies;
  /** Providers never picked automatically on a stall (degradations). @default [] */
  neverAutoSelect?: readonly string[];
  /**
   * Hedging of first tokens (docs/hedging.md): the `hedging` config section and the planner.
   * @default no hedging
   */
  hedging?: { config?: HedgingConfigInput; planner?: HedgePlanner };
  /** Automatic switches allowed per stage call under `auto`. @default 3 */
  maxSwitchesPerStage?: number;
  clock?: Clock;
  ids?: IdGenerator;
  logger?: Logger;
}

/** Events the router adds to the gateway's. */
export type RouterEvent = ReelayEventOf<'retry-scheduled'>;

/** How one provider's turn ended. */
type Turn<T> = { ok: true; value: T } | { ok: false; error: unknown };

const noHeartbeat = (): void => {};

/**
 * Runs each provider call of a stage dependably. The loop: select a provider → run the call
 * pipeline (budget → retry → breaker → measure → patience, see `resilience/call-policy.ts`) → on a
 * failure ask the job's fallback policy object (`ask`, `auto`, `off`; stalls are asked inside the
 * pipeline by the same object) → record the decision → next provider or stop. Every switch is a
 * recorded fallback decision and moves the job's lock; a switch decided on a stall is followed by
 * reading the lock, the one record of which provider the job uses.
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
  private readonly policies: FallbackPolicies;
  private readonly pipeline: CallPolicy;
  private readonly hedged: HedgedTurns | undefined;
  private readonly decisions: DecisionDeps;

  constructor(private readonly options: FallbackRouterOptions) {
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? randomIds;
    this.logger = options.logger ?? silentLogger;
    this.maxSwitches = options.maxSwitchesPerStage ?? 3;
    this.emitter = new TypedEmitter((err) => this.logger.error({ tag: 'ROUTER_LISTENER_ERROR', err }));
    this.policies =
      options.policies ??
      createFallbackPolicies({
        catalog: options.registry,
        ...(options.neverAutoSelect ? { neverAutoSelect: options.neverAutoSelect } : {}),
      });
    const { pipeline, hedged } = createRouterPipeline(options, this.policies, {
      clock: this.clock,
      logger: this.logger,
    });
    this.pipeline = pipeline;
    this.hedged = hedged;
    const { gateway, registry } = options;
    this.decisions = { gateway, registry, clock: this.clock, logger: this.logger };
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
    // A job resumed here after another worker ran it keeps the failures recorded there.
    const loading = this.options.failures.load(call.jobId);
    if (loading) await loading;
    const first = this.initialProvider(call);
    const policy = this.policies[call.policy];
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
      const turn = await this.runPipeline(episode);
      if (turn.ok) {
        return {
          value: turn.value,
          provider: episode.provider,
          switched: episode.provider !== first,
          degraded: episode.degraded,
        };
      }
      const { error } = turn;
      if (call.signal.aborted) throw call.signal.reason ?? error;
      const movedTo = this.lockMovedTo(episode);
      if (movedTo !== undefined) {
        // A decision recorded during the call (a stall answered or decided) moved the job's lock.
        episode.provider = this.lookup(movedTo, episode);
        episode.switches++;
        episode.since = this.clock.now();
        continue;
      }
      if (isCanceled(error)) throw error;
      const failure = failureOf(episode, error, {
        clock: this.clock,
        failures: this.options.failures,
        gateway: this.options.gateway,
        maxSwitches: this.maxSwitches,
        alternatives: (exclude) => this.alternatives(call.jobId, call.stage, episode.provider.id, exclude),
      });
      const decision = await policy.onFailure(failure);
      await followDecision(this.decisions, episode, decision, error, failure.alternatives);
    }
  }

  /** One provider's turn through the call pipeline; a failure is returned, not thrown. */
  private async runPipeline<T, P extends Provider>(episode: RouterEpisode<T, P>): Promise<Turn<T>> {
    const { call, provider } = episode;
    // A switch or cancel decided during the call must not be retried or held against the provider:
    // it aborts this controller, which retry, breaker and measuring treat as "not a failure".
    const control = new AbortController();
    const onOuterAbort = (): void => control.abort(call.signal.reason);
    call.signal.addEventListener('abort', onOuterAbort, { once: true });
    const ctx: CallContext = {
      call: {
        jobId: call.jobId,
        stage: call.stage,
        provider: provider.id,
        correlationId: call.correlationId,
      },
      signal: control.signal,
      attempt: 1,
      heartbeat: noHeartbeat,
      clock: this.clock,
      profile: {
        providerType: provider.profileType,
        heartbeatKind: provider.capabilities.heartbeat,
        fallbackPolicy: call.policy,
        ...(call.estimatedUsage ? { estimatedUsage: call.estimatedUsage } : {}),
      },
      observer: {
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
        onInterrupted: (reason) => control.abort(reason),
      },
    };
    try {
      const value = this.hedged
        ? await this.hedged.execute(episode, ctx, this.pipeline)
        : await this.pipeline.execute((c) => call.call(provider, c), ctx);
      return { ok: true, value };
    } catch (error) {
      if (control.signal.aborted && !call.signal.aborted) return { ok: false, error: control.signal.reason };
      return { ok: false, error };
    } finally {
      call.signal.removeEventListener('abort', onOuterAbort);
    }
  }

  /** The provider the job's lock names when a recorded decision moved it away from ours. */
  private lockMovedTo<T, P extends Provider>(episode: RouterEpisode<T, P>): string | undefined {
    const lock = this.options.gateway.getLock(episode.call.jobId);
    if (!lock || lock.providerName.toLowerCase() === episode.provider.id.toLowerCase()) return undefined;
    return lock.providerName;
  }

  private initialProvider<T, P extends Provider>(call: StageCall<T, P>): P {
    if (call.preferred) return this.lookup(call.preferred, { call });
    const { candidates, excluded } = this.options.selection.selectProviders({
      kind: call.kind,
      stage: call.stage,
      jobId: call.jobId,
      exclude: call.degradations ?? [],
      ...(call.estimatedUsage ? { estimatedUsage: call.estimatedUsage } : {}),
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
    return providerFor<P>(this.options.registry, id, episode);
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
