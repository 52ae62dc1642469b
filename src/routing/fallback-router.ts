import { type Clock, isoAt, systemClock } from '../domain/clock.js';
import { type Disposable, TypedEmitter } from '../domain/disposable.js';
import type { ErrorCategory } from '../domain/error-category.js';
import { ReelayError } from '../domain/errors.js';
import type { AlternativeOption, AttemptRecord, ReelayEventOf } from '../domain/events.js';
import type { FallbackReason } from '../domain/fallback.js';
import { type IdGenerator, randomIds } from '../domain/ids.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import type { Provider } from '../domain/provider.js';
import type { ProviderGateway } from '../patience/provider-gateway.js';
import { ProviderSwitchRequestedError } from '../patience/provider-switch-error.js';
import type { ProviderRunner, StageCall, StageCallResult } from '../pipeline/provider-runner.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { CircuitBreakerRegistry } from '../resilience/circuit-breaker-registry.js';
import { classifyError } from '../resilience/classify-error.js';
import type { ErrorRecoveryEngine } from '../resilience/error-recovery-engine.js';
import { RecoveryExhaustedError } from '../resilience/recovery-exhausted-error.js';
import { BudgetExceededError, type BudgetGuard } from './budget.js';
import { estimateCost } from './cost-model.js';
import type { CostTracker } from './cost-tracker.js';
import type { JobFailureHistory } from './job-failure-history.js';
import type { ProviderPerformanceTracker } from './performance-tracker.js';
import { type ProviderSelectionEngine, toAlternatives } from './selection-engine.js';
import { stageFailedError } from './stage-failure.js';

/** Options of {@link FallbackRouter}. */
export interface FallbackRouterOptions {
  gateway: ProviderGateway;
  registry: ProviderRegistry;
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

interface Episode<T, P extends Provider> {
  call: StageCall<T, P>;
  provider: P;
  first: P;
  tried: Set<string>;
  attempts: AttemptRecord[];
  switches: number;
  /** Clock time the episode moved to `provider` (for the decision's elapsedBeforeSwitchMs). */
  since: number;
  degraded: boolean;
  degradationsLeft: string[];
}

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

  constructor(private readonly options: FallbackRouterOptions) {
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? randomIds;
    this.logger = options.logger ?? silentLogger;
    this.maxSwitches = options.maxSwitchesPerStage ?? 3;
    this.emitter = new TypedEmitter((err) => this.logger.error({ tag: 'ROUTER_LISTENER_ERROR', err }));
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
    const episode: Episode<T, P> = {
      call,
      provider: first,
      first,
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
      const overBudget = this.budgetRefusal(call.jobId, episode.provider.id, call.correlationId);
      if (overBudget) {
        await this.afterFailure(episode, overBudget);
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
          episode.provider = this.lookup<P>(error.nextProvider, call);
          episode.switches++;
          episode.since = this.clock.now();
          continue;
        }
        if (ReelayError.isInstance(error) && error.code === 'REELAY_ERR_CANCELED') throw error;
        await this.afterFailure(episode, error);
      }
    }
  }

  /** One provider: breaker → same-provider retries → gateway (patience) → the stage's call. */
  private async attemptProvider<T, P extends Provider>(episode: Episode<T, P>): Promise<T> {
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
              this.recordCall(provider, call.jobId, startedAt, firstProgressAt, true, undefined, value);
              return value;
            } catch (error) {
              if (ProviderSwitchRequestedError.isInstance(error) || isCanceled(error)) {
                control.abort(error);
                throw error;
              }
              const classified = classifyError(error, { provider: provider.id });
              this.recordCall(provider, call.jobId, startedAt, firstProgressAt, false, classified.category);
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

  /** The provider is done for (retries exhausted, breaker open, or not retryable): apply the policy. */
  private async afterFailure<T, P extends Provider>(episode: Episode<T, P>, error: unknown): Promise<void> {
    const { call } = episode;
    const from = episode.provider;
    // By code: CircuitOpenError inherits ReelayError.isInstance, which is true for any ReelayError.
    const circuitOpen = isCircuitOpenCode(error) || isCircuitOpen(error);
    if (!RecoveryExhaustedError.isInstance(error)) {
      // Refused before any attempt (budget): still part of the audit trail inside the error.
      episode.attempts.push({
        provider: from.id,
        attempt: 0,
        category: categoryOf(error) ?? 'system_error',
        message: (error as Error).message,
        delayMs: 0,
        timestamp: isoAt(this.clock),
      });
    }
    const category = categoryOf(error);
    const next = RecoveryExhaustedError.isInstance(error) ? error.next : 'switch';
    this.options.failures.recordFailure(call.jobId, call.stage, from.id, category ?? 'system_error');
    const exclude = [...episode.tried, ...episode.degradationsLeft];
    const alternatives = this.alternatives(call.jobId, call.stage, from.id, exclude);
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

    if (call.policy === 'ask') {
      const offered = [...alternatives, ...episode.degradationsLeft.map((id) => degradationOption(id))];
      const handle = this.options.gateway.requestDecision({
        jobId: call.jobId,
        stage: call.stage,
        provider: from.id,
        trigger: 'error',
        error: {
          code: ReelayError.isInstance(error) ? error.code : 'REELAY_ERR_PROVIDER',
          message: (error as Error).message,
          provider: from.id,
          stage: call.stage,
          retryable: RecoveryExhaustedError.isInstance(error)
            ? error.lastError.retryable
            : ReelayError.isInstance(error)
              ? error.retryable
              : true,
          correlationId: call.correlationId,
          attempts: episode.attempts,
          ...(category ? { category } : {}),
        },
        alternatives: offered,
        correlationId: call.correlationId,
      });
      const answer = await abortable(handle.answer, call.signal).catch((aborted: unknown) => {
        // Nobody will act on an answer any more: withdraw the decision so the job is not left asking.
        if (this.options.gateway.getPendingDecision(call.jobId)?.decisionId === handle.decisionId) {
          this.options.gateway.withdrawDecisions(call.jobId, 'the stage call was aborted');
        }
        throw aborted;
      });
      if (answer.option === 'cancel_job') {
        throw stageFailedErrorCanceled(call.stage, from.id, episode.attempts, call.correlationId, error);
      }
      if (answer.option === 'try_alternative' && answer.provider) {
        const to = this.lookup<P>(answer.provider, call);
        const reason: FallbackReason = episode.degradationsLeft.includes(to.id)
          ? 'DEGRADED'
          : 'PROVIDER_FATAL_ERROR';
        await this.switchTo(
          episode,
          to,
          reason,
          category,
          `after ${category ?? 'an error'}: user chose ${to.id}`,
          true,
        );
        return;
      }
      // continue_30s / continue_5m after an error: the user wants the same provider tried again.
      this.logger.info({ tag: 'RETRY_SAME_AFTER_DECISION', jobId: call.jobId, provider: from.id });
      return;
    }

    // auto
    if (next === 'degrade' && episode.degradationsLeft.length > 0) {
      await this.degrade(episode, category);
      return;
    }
    if (episode.switches >= this.maxSwitches) fail('switch-limit');
    const best = alternatives[0];
    if (best) {
      const to = this.lookup<P>(best.provider, call);
      const reason: FallbackReason = circuitOpen ? 'AUTO_CIRCUIT_OPEN' : 'AUTO_AFTER_ERROR';
      await this.switchTo(
        episode,
        to,
        reason,
        category,
        `score ${Math.round(best.score)}: ${best.reasons[0] ?? ''}`,
        false,
      );
      return;
    }
    if (episode.degradationsLeft.length > 0) {
      await this.degrade(episode, category);
      return;
    }
    fail('no-alternative');
  }

  private async degrade<T, P extends Provider>(
    episode: Episode<T, P>,
    category: ErrorCategory | undefined,
  ): Promise<void> {
    const id = episode.degradationsLeft.shift() as string;
    const to = this.lookup<P>(id, episode.call);
    episode.degraded = true;
    await this.switchTo(
      episode,
      to,
      'DEGRADED',
      category,
      `quality reduced to finish: ${to.displayName}`,
      false,
    );
  }

  private async switchTo<T, P extends Provider>(
    episode: Episode<T, P>,
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

  /** A provider already over one of its budgets is refused before it is called. */
  private budgetRefusal(jobId: string, provider: string, correlationId: string): ReelayError | undefined {
    const check = this.options.budget?.checkBudget({ jobId, provider, estimatedUsd: 0 });
    if (!check || check.ok) return undefined;
    return new ReelayError('REELAY_ERR_BUDGET_EXCEEDED', check.reason, {
      cause: new BudgetExceededError(check),
      category: 'quota_exceeded',
      retryable: false,
      provider,
      correlationId,
      details: { budget: check.budget, spentUsd: check.spentUsd, limitUsd: check.limitUsd },
    });
  }

  private initialProvider<T, P extends Provider>(call: StageCall<T, P>): P {
    if (call.preferred) return this.lookup<P>(call.preferred, call);
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
    return this.lookup<P>(best.provider, call);
  }

  private lookup<P extends Provider>(id: string, call: StageCall<unknown, P>): P {
    return this.options.registry.get(id, call.kind) as P;
  }

  /** Each stage holds the job's lock on its provider (stages run one at a time per job). */
  private ensureLock<T, P extends Provider>(episode: Episode<T, P>): void {
    const { gateway } = this.options;
    const { call, provider } = episode;
    const lock = gateway.getLock(call.jobId);
    if (lock?.providerName === provider.id) return;
    if (lock) gateway.releaseProviderLock(call.jobId, `stage ${call.stage} uses ${provider.id}`);
    gateway.lockProvider(call.jobId, provider.id, provider.profileType, call.correlationId, {
      stages: [call.stage],
    });
  }

  private recordCall(
    provider: Provider,
    jobId: string,
    startedAt: number,
    firstProgressAt: number | undefined,
    ok: boolean,
    category: ErrorCategory | undefined,
    value?: unknown,
  ): void {
    const usage = usageOf(value);
    const costUsd = usage ? estimateCost(provider.costModel, usage) : 0;
    void this.options.tracker
      ?.record({
        provider: provider.id,
        operation: provider.kind,
        startedAt,
        latencyMs: this.clock.now() - startedAt,
        ok,
        ...(firstProgressAt === undefined ? {} : { timeToFirstProgressMs: firstProgressAt - startedAt }),
        ...(category ? { category } : {}),
        ...(usage ? { usage, costUsd } : {}),
      })
      .catch((err: unknown) => this.logger.warn({ tag: 'TRACKER_RECORD_FAILED', err }));
    if (ok && costUsd > 0)
      this.options.costs?.record({ jobId, provider: provider.id, usd: costUsd, at: this.clock.now() });
  }
}

function isCanceled(error: unknown): boolean {
  return ReelayError.isInstance(error) && error.code === 'REELAY_ERR_CANCELED';
}

function isCircuitOpenCode(error: unknown): boolean {
  return ReelayError.isInstance(error) && error.code === 'REELAY_ERR_CIRCUIT_OPEN';
}

function isCircuitOpen(error: unknown): boolean {
  return RecoveryExhaustedError.isInstance(error) && isCircuitOpenCode(error.lastError);
}

function categoryOf(error: unknown): ErrorCategory | undefined {
  return ReelayError.isInstance(error) ? error.category : undefined;
}

function usageOf(value: unknown): import('../domain/provider.js').Usage | undefined {
  if (typeof value === 'object' && value !== null && 'usage' in value) {
    const usage = (value as { usage: unknown }).usage;
    if (typeof usage === 'object' && usage !== null) return usage as import('../domain/provider.js').Usage;
  }
  return undefined;
}

function degradationOption(id: string): AlternativeOption {
  return { provider: id, score: 0, reasons: ['degradation: lower quality, always available'] };
}

function stageFailedErrorCanceled(
  stage: string,
  provider: string,
  attempts: AttemptRecord[],
  correlationId: string,
  cause: unknown,
): ReelayError {
  return stageFailedError({
    stage,
    provider,
    category: categoryOf(cause),
    policy: 'ask',
    attempts,
    alternatives: [],
    why: 'canceled-by-user',
    correlationId,
    cause,
  });
}

/** Resolves with the promise, or rejects when the signal aborts first. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
