import { type Clock, systemClock } from '../domain/clock.js';
import type { AlternativeOption } from '../domain/events.js';
import type { ProviderSpec } from '../domain/provider.js';
import { type BreakerView, noBreakers } from './breaker-view.js';
import type { BudgetGuard } from './budget.js';
import { estimateCallCost, estimateCost, isFree } from './cost-model.js';
import type { JobFailureHistory } from './job-failure-history.js';
import type { ProviderMetrics } from './performance-metrics.js';
import type { PerformanceWindow } from './performance-window.js';
import type { ProviderCatalog } from './provider-catalog.js';
import type { ProviderHealth } from './provider-health.js';
import {
  baseScore,
  businessScore,
  type ComponentPoints,
  contextScore,
  costScore,
  healthScore,
  languageMatches,
  performanceScore,
  reliabilityScore,
} from './score-components.js';
import type { Candidate, ExcludedProvider, SelectionRequest, SelectionResult } from './selection-types.js';
import {
  DEFAULT_SELECTION_WEIGHTS,
  SCORE_COMPONENTS,
  type ScoreComponent,
  type SelectionWeights,
  shiftWeights,
} from './selection-weights.js';

/** What the engine reads from the performance tracker. */
export interface MetricsSource {
  getMetrics(provider: string, window: PerformanceWindow): ProviderMetrics;
  recentSuccessRate(provider: string): number | null;
}

/** What the engine reads from the health monitor. */
export interface HealthSource {
  getHealth(provider: string): ProviderHealth | undefined;
}

/** Options of {@link ProviderSelectionEngine}. */
export interface SelectionEngineOptions {
  catalog: ProviderCatalog;
  /** Call metrics; without it every provider gets the no-data defaults. */
  metrics?: MetricsSource;
  /** Health checks; without it every provider is assumed healthy (95 % uptime). */
  health?: HealthSource;
  /** Open breakers exclude providers. @default noBreakers */
  breakers?: BreakerView;
  /** Failures per job: excluded in the same stage, lower reliability in the job. */
  failures?: JobFailureHistory;
  /** Budgets: providers whose estimated call would exceed one are excluded. */
  budget?: BudgetGuard;
  /** Base weights (merged over the defaults; the caller's object is not kept or mutated). */
  weights?: Partial<SelectionWeights>;
  /** Window the performance component reads. @default '24h' */
  metricsWindow?: PerformanceWindow;
  /** How long health and metrics are reused, in ms. @default 60000 */
  cacheTtlMs?: number;
  /** User satisfaction 0–1 per provider, when known (performance component). */
  satisfaction?: (provider: string) => number | undefined;
  /** @default systemClock */
  clock?: Clock;
}

interface Snapshot {
  at: number;
  health: ProviderHealth | undefined;
  metrics: ProviderMetrics | undefined;
  session: number | null;
}

/**
 * Ranks the providers of a kind for a stage of a job: excludes those that cannot or should not
 * serve (breaker open, failed earlier in this job and stage, missing feature or language, excluded
 * by the caller, over budget), then scores the rest 0–100 from seven weighted components
 * (docs/provider-selection.md) and explains each score.
 *
 * @example
 * const engine = new ProviderSelectionEngine({ catalog: registry, metrics: tracker, health: monitor, breakers, failures, budget });
 * const { candidates, excluded } = engine.selectProviders({ kind: 'tts', stage: 'narration', jobId, language: 'en' });
 * candidates[0]?.provider; // the best provider
 */
export class ProviderSelectionEngine {
  private readonly options: SelectionEngineOptions;
  private readonly clock: Clock;
  private readonly baseWeights: SelectionWeights;
  private readonly ttlMs: number;
  private readonly cache = new Map<string, Snapshot>();

  constructor(options: SelectionEngineOptions) {
    this.options = { ...options };
    this.clock = options.clock ?? systemClock;
    this.baseWeights = Object.freeze({ ...DEFAULT_SELECTION_WEIGHTS, ...options.weights });
    this.ttlMs = options.cacheTtlMs ?? 60_000;
  }

  /** Ranked candidates (best first) and the excluded providers with their reasons. */
  selectProviders(request: SelectionRequest): SelectionResult {
    const criteria = request.criteria ?? {};
    const weights = shiftWeights(
      { ...this.baseWeights, ...criteria.weights },
      criteria.prioritize ?? 'balanced',
    );
    const excluded: ExcludedProvider[] = [];
    const eligible: Array<{ provider: ProviderSpec; estimatedUsd: number | undefined }> = [];
    for (const provider of this.options.catalog.list(request.kind)) {
      const estimatedUsd = request.estimatedUsage
        ? estimateCost(provider.costModel, request.estimatedUsage)
        : undefined;
      const why = this.exclusion(provider, request, estimatedUsd);
      if (why) excluded.push({ provider: provider.id, ...why });
      else eligible.push({ provider, estimatedUsd });
    }
    const maxCost = Math.max(0, ...eligible.map((e) => e.estimatedUsd ?? 0));
    const candidates = eligible.map((e) => this.score(e.provider, e.estimatedUsd, maxCost, request, weights));
    candidates.sort(
      (a, b) =>
        b.score - a.score ||
        priorityOf(this.options.catalog, a.provider) - priorityOf(this.options.catalog, b.provider) ||
        a.provider.localeCompare(b.provider),
    );
    return { candidates, excluded, weights };
  }

  /** Drops cached health and metrics (of one provider, or all). */
  invalidate(provider?: string): void {
    if (provider === undefined) this.cache.clear();
    else this.cache.delete(provider);
  }

  private exclusion(
    provider: ProviderSpec,
    request: SelectionRequest,
    estimatedUsd: number | undefined,
  ): Omit<ExcludedProvider, 'provider'> | undefined {
    const id = provider.id;
    if (request.exclude?.includes(id)) return { code: 'requested', reason: 'excluded by the request' };
    if ((this.options.breakers ?? noBreakers).isOpen(id)) {
      return { code: 'circuit-open', reason: `circuit breaker of ${provider.displayName} is open` };
    }
    const failures = this.options.failures;
    if (failures?.failedProviders(request.jobId, request.stage).includes(id)) {
      const categories = failures
        .failures(request.jobId)
        .filter((f) => f.provider === id && f.stage === request.stage)
        .map((f) => f.category);
      return {
        code: 'failed-in-job',
        reason: `${provider.displayName} already failed in this job at stage ${request.stage} (${[...new Set(categories)].join(', ')})`,
      };
    }
    const features = (provider.capabilities.features ?? []).map((f) => f.toLowerCase());
    const missing = (request.requiredFeatures ?? []).filter((f) => !features.includes(f.toLowerCase()));
    if (missing.length > 0)
      return { code: 'missing-feature', reason: `lacks required feature(s): ${missing.join(', ')}` };
    const languages = provider.capabilities.languages;
    if (request.language !== undefined && languages !== undefined) {
      if (!languages.some((l) => languageMatches(request.language ?? '', l))) {
        return { code: 'language', reason: `does not support language ${request.language}` };
      }
    }
    const maxCostUsd = request.businessRules?.maxCostUsd;
    if (maxCostUsd !== undefined && estimatedUsd !== undefined && estimatedUsd > maxCostUsd) {
      return {
        code: 'max-cost',
        reason: `estimated $${estimatedUsd.toFixed(4)} is above the $${maxCostUsd.toFixed(4)} limit of this request`,
      };
    }
    const check = this.options.budget?.checkBudget({
      jobId: request.jobId,
      provider: id,
      // No estimate given: price the call as one unit, so an exhausted budget still excludes it.
      estimatedUsd: estimatedUsd ?? estimateCallCost(provider.costModel, undefined),
    });
    if (check && !check.ok) return { code: 'budget', reason: check.reason };
    return undefined;
  }

  private score(
    provider: ProviderSpec,
    estimatedUsd: number | undefined,
    maxCost: number,
    request: SelectionRequest,
    weights: SelectionWeights,
  ): Candidate {
    const snap = this.snapshot(provider.id);
    const metrics = snap.metrics;
    const calls = metrics?.calls ?? 0;
    const avgQuality = metrics?.avgQuality ?? null;
    const points: Record<ScoreComponent, ComponentPoints> = {
      base: baseScore(provider.priority),
      health: healthScore({
        ...(snap.health ? { check: snap.health } : {}),
        ...(calls > 0 && metrics ? { errorRate: metrics.errorRate } : {}),
      }),
      performance: performanceScore({
        calls,
        successRate: metrics?.successRate ?? 0,
        avgLatencyMs: metrics?.avgLatencyMs ?? 0,
        avgQuality,
        satisfaction: this.options.satisfaction?.(provider.id) ?? 0,
      }),
      cost: costScore(estimatedUsd, maxCost, isFree(provider.costModel)),
      reliability: reliabilityScore(
        this.options.failures?.failureCount(request.jobId, provider.id) ?? 0,
        snap.session,
      ),
      context: contextScore({
        language: request.language,
        providerLanguages: provider.capabilities.languages,
        preferredFeatures: request.criteria?.preferredFeatures,
        providerFeatures: provider.capabilities.features,
        preferOffline: request.criteria?.preferOffline,
        offline: provider.capabilities.offline,
      }),
      business: businessScore(provider.id, request.businessRules ?? {}, avgQuality),
    };
    let score = 0;
    const reasons: string[] = [];
    const components = {} as Candidate['components'];
    for (const name of SCORE_COMPONENTS) {
      const p = points[name];
      const weighted = (p.value / p.max) * weights[name] * 100;
      score += weighted;
      components[name] = { ...p, weight: weights[name], weighted };
      reasons.push(`${name} ${p.value.toFixed(1)}/${p.max}: ${p.detail}`);
    }
    return {
      provider: provider.id,
      displayName: provider.displayName,
      score: Math.min(100, Math.max(0, score)),
      components,
      reasons,
      estimatedCostUsd: estimatedUsd ?? null,
    };
  }

  /** Health and metrics of a provider, reused for `cacheTtlMs` after they were read. */
  private snapshot(provider: string): Snapshot {
    const now = this.clock.now();
    const cached = this.cache.get(provider);
    if (cached && now - cached.at < this.ttlMs) return cached;
    const fresh: Snapshot = {
      at: now,
      health: this.options.health?.getHealth(provider),
      metrics: this.options.metrics?.getMetrics(provider, this.options.metricsWindow ?? '24h'),
      session: this.options.metrics?.recentSuccessRate(provider) ?? null,
    };
    this.cache.set(provider, fresh);
    return fresh;
  }
}

function priorityOf(catalog: ProviderCatalog, id: string): number {
  return catalog.find(id)?.priority ?? Number.POSITIVE_INFINITY;
}

/** Candidates as the `alternatives` of a `decision-required` event. */
export function toAlternatives(candidates: readonly Candidate[]): AlternativeOption[] {
  return candidates.map((c) => ({
    provider: c.provider,
    score: Math.round(c.score * 10) / 10,
    reasons: [...c.reasons],
  }));
}
