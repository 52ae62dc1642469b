import type { ModelGroupConfig } from '../../config/model-groups-schema.js';
import type { Clock } from '../../domain/clock.js';
import type { FallbackDecision } from '../../domain/fallback.js';
import { type IdGenerator, randomIds } from '../../domain/ids.js';
import { type Logger, silentLogger } from '../../domain/logger.js';
import { type AutomaticReason, FallbackDecisionFactory } from '../../patience/fallback-decision.js';
import { CircuitBreakerRegistry } from '../../resilience/circuit-breaker-registry.js';
import { CostTracker } from '../../routing/cost-tracker.js';
import type { AuditTrail } from '../../state/audit-trail.js';
import { MemoryAttemptTrail } from '../../state/memory/memory-attempt-trail.js';
import { MemoryAuditTrail } from '../../state/memory/memory-audit-trail.js';
import { AttemptAuditWriter } from './attempt-audit.js';
import { DecisionTokens } from './decision-token.js';
import { type Deployment, DeploymentCatalog } from './deployment-catalog.js';
import { groupLimits, type OpenAiEndpointOptions, type ProxyLimits } from './endpoint-options.js';
import type { ProxyEvent } from './proxy-events.js';
import { MemorySessionStore, type SessionStore } from './session-store.js';
import type { ChatUsage } from './usage-counter.js';

/** A ranked alternative offered by an `ask` decision. */
export interface RankedAlternative {
  deployment: string;
  provider: string;
  model: string;
  /** 0…1, higher is better. */
  score: number;
  reasons: string[];
}

/** One switch to record: who, from where to where, and why. */
export interface SwitchRecord {
  auditKey: string;
  from: string;
  to: string;
  correlationId: string;
  elapsedMs: number;
  category: string;
  context: string;
}

/**
 * The long-lived state of the OpenAI-compatible endpoint, behind thin adapters over the router's
 * pieces: the deployment catalog, circuit breakers (resilience), sessions, decision tokens, the
 * audit trail (fallback decisions through the decision factory, and every attempt), cost tracking
 * and budgets.
 */
export class OpenAiProxy {
  readonly catalog: DeploymentCatalog;
  readonly breakers: CircuitBreakerRegistry;
  readonly sessions: SessionStore;
  readonly audit: AuditTrail;
  /** Every upstream attempt, appended in batches (the attempt side of the audit trail). */
  readonly attempts: AttemptAuditWriter;
  readonly tokens: DecisionTokens;
  readonly costs: CostTracker;
  /** Malformed upstream chunks skipped so far, by deployment id. */
  readonly malformedChunks = new Map<string, number>();
  /** False with the silent logger: events nobody receives are then not even built. */
  readonly debugEnabled: boolean;
  private readonly decisions: FallbackDecisionFactory;
  private readonly limitsByGroup = new Map<string, Readonly<ProxyLimits>>();

  constructor(
    readonly options: OpenAiEndpointOptions,
    readonly clock: Clock,
    readonly logger: Logger,
    readonly ids: IdGenerator = randomIds,
  ) {
    this.catalog = new DeploymentCatalog(options.groups, options.secrets ?? {});
    this.breakers =
      options.breakers ??
      new CircuitBreakerRegistry({ clock, ...(options.breaker ? { defaults: options.breaker } : {}) });
    this.sessions = options.sessions ?? new MemorySessionStore(clock);
    this.audit = options.audit ?? new MemoryAuditTrail();
    this.attempts = new AttemptAuditWriter(options.attempts ?? new MemoryAttemptTrail(), logger);
    this.tokens = new DecisionTokens(options.decisionSecret);
    this.costs = options.costs ?? new CostTracker({ clock });
    this.decisions = new FallbackDecisionFactory({ clock, ids });
    this.debugEnabled = logger !== silentLogger;
  }

  /** A group's limits, computed once (copy before changing them for one request). */
  limitsOf(group: string, config: ModelGroupConfig): Readonly<ProxyLimits> {
    let limits = this.limitsByGroup.get(group);
    if (!limits) {
      limits = Object.freeze(groupLimits(config, this.options.limits));
      this.limitsByGroup.set(group, limits);
    }
    return limits;
  }

  /** Publishes an event to the sink and the debug log. */
  emit(event: ProxyEvent): void {
    this.options.onEvent?.(event);
    this.logger.debug({ tag: 'OPENAI_PROXY_EVENT', ...event });
  }

  /** Records an automatic switch in the audit trail (errors are logged, never thrown). */
  recordAutomatic(reason: AutomaticReason, s: SwitchRecord): Promise<FallbackDecision | undefined> {
    return this.save(() => this.decisions.createAutomatic(reason, this.input(s)));
  }

  /** Records a switch a client confirmed through an `ask` decision. */
  recordConfirmed(s: SwitchRecord): Promise<FallbackDecision | undefined> {
    return this.save(() => this.decisions.createProviderFatalError(this.input(s)));
  }

  /** Prices usage on a deployment into the cost tracker; the US dollars charged. */
  charge(deployment: Deployment, usage: ChatUsage, auditKey: string): number {
    const usd =
      (usage.prompt_tokens / 1000) * deployment.costPer1kInputUsd +
      (usage.completion_tokens / 1000) * deployment.costPer1kOutputUsd;
    if (usd > 0) this.costs.record({ provider: deployment.id, usd, jobId: auditKey, at: this.clock.now() });
    return usd;
  }

  /** Whether a deployment may be called within its budgets (estimate: 1000 output tokens). */
  withinBudget(deployment: Deployment, auditKey: string): boolean {
    const guard = this.options.budgets;
    if (!guard) return true;
    const estimatedUsd = deployment.costPer1kOutputUsd;
    return guard.checkBudget({ provider: deployment.id, jobId: auditKey, estimatedUsd }).ok;
  }

  /** Ranks the alternatives of a failed deployment for an `ask` decision. */
  rank(candidates: readonly Deployment[], failed: Deployment, category: string): RankedAlternative[] {
    return candidates
      .map((d, position) => {
        const reasons: string[] = [`position ${position + 1} in the chain`];
        let score = 1 - 0.1 * position;
        const state = this.breakers.get(d.id).state.state;
        if (state === 'open' || state === 'isolated') {
          score -= 0.6;
          reasons.push('circuit open');
        } else if (state === 'half_open') {
          score -= 0.3;
          reasons.push('circuit half-open (recovering)');
        } else reasons.push('circuit closed (healthy)');
        if (category === 'context_length' && (d.contextWindow ?? 0) > (failed.contextWindow ?? 0)) {
          score += 0.2;
          reasons.push(`larger context window (${d.contextWindow})`);
        }
        if (d.provider !== failed.provider) reasons.push(`different provider (${d.provider})`);
        return {
          deployment: d.id,
          provider: d.provider,
          model: d.model,
          score: Math.max(0, Math.round(score * 100) / 100),
          reasons,
        };
      })
      .sort((a, b) => b.score - a.score);
  }

  private input(s: SwitchRecord): Parameters<FallbackDecisionFactory['createAutomatic']>[1] {
    return {
      jobId: s.auditKey,
      fromProvider: s.from,
      toProvider: s.to,
      elapsedBeforeSwitchMs: Math.max(0, s.elapsedMs),
      correlationId: s.correlationId,
      errorCategory: s.category,
      context: s.context,
    };
  }

  private async save(make: () => FallbackDecision): Promise<FallbackDecision | undefined> {
    try {
      const decision = make();
      await this.audit.record(decision);
      return decision;
    } catch (err) {
      this.logger.warn({ tag: 'OPENAI_PROXY_AUDIT_FAILED', err }, 'could not record a fallback decision');
      return undefined;
    }
  }
}
