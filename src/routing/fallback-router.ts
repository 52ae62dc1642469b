import type { HedgingConfigInput } from '../config/hedging-schema.js';
import type { CallContext, CallPolicy } from '../domain/call-context.js';
import { type Clock, isoAt, systemClock } from '../domain/clock.js';
import { type Disposable, TypedEmitter } from '../domain/disposable.js';
import { ReelayError } from '../domain/errors.js';
import type { AlternativeOption, ReelayEventOf } from '../domain/events.js';
import { type IdGenerator, randomIds } from '../domain/ids.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import type { Provider } from '../domain/provider.js';
import { PatiencePolicy } from '../patience/patience-policy.js';
import type { ProviderGateway } from '../patience/provider-gateway.js';
import { BreakerPolicy } from '../resilience/breaker-policy.js';
import { BulkheadPolicy } from '../resilience/bulkhead-policy.js';
import type { BulkheadRegistry } from '../resilience/bulkhead-registry.js';
import { createCallPipeline } from '../resilience/call-policy.js';
import type { CircuitBreakerRegistry } from '../resilience/circuit-breaker-registry.js';
import type { ErrorRecoveryEngine } from '../resilience/error-recovery-engine.js';
import { RateLimitPolicy } from '../resilience/rate-limit-policy.js';
import type { RateLimiter } from '../resilience/rate-limiter.js';
import { RetryPolicy } from '../resilience/retry-policy.js';
import type { BudgetGuard } from './budget.js';
import { BudgetPolicy } from './budget-policy.js';
import { CallRecorder } from './call-recorder.js';
import type { CostTracker } from './cost-tracker.js';
import { createFallbackPolicies, type FailureDecision, type FallbackPolicies } from './fallback-policies.js';
import type { HedgePlanner } from './hedge-planner.js';
import { createHedgedTurns } from './hedge-wiring.js';
import type { HedgedTurns } from './hedged-turn.js';
import type { JobFailureHistory } from './job-failure-history.js';
import { MeasurePolicy } from './measure-policy.js';
import type { ProviderPerformanceTracker } from './performance-tracker.js';
import type { ProviderDirectory } from './provider-catalog.js';
import type { RouterEpisode } from './router-episode.js';
import { failureOf } from './router-failure.js';
import { canceledAtDecision, isCanceled } from './router-support.js';
import { type ProviderSelectionEngine, toAlternatives } from './selection-engine.js';
import type { ProviderRunner, StageCall, StageCallResult } from './stage-call.js';
import { stageFailedError } from './stage-failure.js';

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
    const recorder = new CallRecorder({
      clock: this.clock,
      logger: this.logger,
      tracker: options.tracker,
      costs: options.costs,
    });
    const providerOf = (id: string): Provider | undefined =>
      options.registry.find(id) as Provider | undefined;
    this.pipeline = createCallPipeline({
      ...(options.budget
        ? { budget: new BudgetPolicy(options.budget, (id) => options.registry.find(id)?.costModel) }
        : {}),
      retry: new RetryPolicy(options.recovery),
      breaker: new BreakerPolicy(options.breakers),
      measure: new MeasurePolicy(recorder, providerOf),
      patience: new PatiencePolicy(options.gateway, this.policies),
      ...(options.bulkheads ? { bulkhead: new BulkheadPolicy((id) => options.bulkheads?.get(id)) } : {}),
      ...(options.rateLimiter ? { rateLimit: new RateLimitPolicy(options.rateLimiter) } : {}),
    });
    this.hedged = options.hedging
      ? createHedgedTurns(options, options.hedging, {
          clock: this.clock,
          logger: this.logger,
          recorder,
          providerOf,
        })
      : undefined;
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
      await this.follow(episode, decision, error, failure.alternatives);
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

  /** Acts on the fallback policy's decision: switch (recorded), same provider again, or stop. */
  private async follow<T, P extends Provider>(
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
        this.logger.info({ tag: 'RETRY_SAME_AFTER_DECISION', jobId: call.jobId, provider: from.id });
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
        const to = this.lookup(decision.to, episode);
        if (decision.degrade) {
          episode.degradationsLeft = episode.degradationsLeft.filter((id) => id !== to.id);
          episode.degraded = true;
        }
        await this.options.gateway.switchProvider({
          jobId: call.jobId,
          fromProvider: from.id,
          toProvider: to.id,
          toProviderType: to.profileType,
          reason: decision.reason,
          elapsedBeforeSwitchMs: Math.max(0, this.clock.now() - episode.since),
          correlationId: call.correlationId,
          stages: [call.stage],
          context: `${call.label ? `${call.label}: ` : ''}${decision.context}`,
          ...(category ? { errorCategory: category } : {}),
          ...(decision.reason === 'DEGRADED' ? { userConfirmed: decision.userConfirmed } : {}),
        });
        episode.switches++;
        episode.provider = to;
        episode.since = this.clock.now();
        return;
      }
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
