import type { HedgingConfigInput } from '../config/hedging-schema.js';
import type { ProviderTimeoutProfileLoader } from '../config/timeout-profile-loader.js';
import { type Clock, systemClock } from '../domain/clock.js';
import { type IdGenerator, randomIds } from '../domain/ids.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import { ProviderGateway } from '../patience/provider-gateway.js';
import { CircuitBreakerRegistry } from '../resilience/circuit-breaker-registry.js';
import { ErrorRecoveryEngine } from '../resilience/error-recovery-engine.js';
import type { StrategyOverrides } from '../resilience/recovery-strategies.js';
import type { AuditTrail } from '../state/audit-trail.js';
import type { PendingDecisionStore, SpendStore } from '../state/router-state.js';
import { BudgetGuard, type Budgets } from './budget.js';
import { CostTracker } from './cost-tracker.js';
import { createFallbackPolicies, type FallbackPolicies } from './fallback-policies.js';
import { FallbackRouter } from './fallback-router.js';
import { HealthMonitor } from './health-monitor.js';
import { JobFailureHistory } from './job-failure-history.js';
import { ProviderPerformanceTracker } from './performance-tracker.js';
import type { ProviderDirectory } from './provider-catalog.js';
import { ProviderSelectionEngine, toAlternatives } from './selection-engine.js';

/** Options of {@link createRoutingKit}. */
export interface RoutingKitOptions {
  registry: ProviderDirectory;
  profiles: ProviderTimeoutProfileLoader;
  audit: AuditTrail;
  /** @default 'balanced' */
  patienceProfile?: 'conservative' | 'balanced' | 'longForm';
  budgets?: Budgets;
  /** Durable spend (budgets survive restarts, shared by processes on one database). @default memory only */
  spend?: SpendStore;
  /** Durable pending decisions. @default memory only */
  pendingDecisions?: PendingDecisionStore;
  strategies?: StrategyOverrides;
  /** Hedging of first tokens (docs/hedging.md); per-job and per-call settings work without it. */
  hedging?: HedgingConfigInput;
  /** Automatic switches per stage call. @default 3 */
  maxSwitchesPerStage?: number;
  /** Providers never picked automatically (degradations). @default ['captions-only'] */
  neverAutoSelect?: readonly string[];
  /** Health check interval (the monitor is created stopped; call `health.start()`). @default 30000 */
  healthIntervalMs?: number;
  /** Ms to wait for an answer to `decision-required`. @default undefined (forever) */
  decisionTimeoutMs?: number;
  /**
   * After a cancel or switch, how long a provider call may take to actually stop (kill FFmpeg, close
   * a stream) before the router moves on regardless. @default 2000
   */
  interruptGraceMs?: number;
  clock?: Clock;
  ids?: IdGenerator;
  logger?: Logger;
  random?: () => number;
}

/** The router's components, wired together. */
export interface RoutingKit {
  gateway: ProviderGateway;
  router: FallbackRouter;
  recovery: ErrorRecoveryEngine;
  breakers: CircuitBreakerRegistry;
  selection: ProviderSelectionEngine;
  tracker: ProviderPerformanceTracker;
  health: HealthMonitor;
  costs: CostTracker;
  budget: BudgetGuard;
  failures: JobFailureHistory;
  /** The fallback policy objects (`ask`, `auto`, `off`) the router asks. */
  policies: FallbackPolicies;
}

/**
 * Wires the whole router once: patience gateway with the three stall policies (`ask`, `auto`,
 * `off`), error recovery, circuit breakers, performance tracking, health checks, cost budgets,
 * scored selection and the {@link FallbackRouter} on top. The server, CLI, worker and tests all
 * build their router through this function.
 *
 * @example
 * const kit = createRoutingKit({ registry, profiles: new ProviderTimeoutProfileLoader(), audit: stores.audit });
 * const { value } = await kit.router.run({ jobId, correlationId, stage: 'script', kind: 'llm', policy: 'auto', signal, call });
 */
export function createRoutingKit(options: RoutingKitOptions): RoutingKit {
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIds;
  const logger = options.logger ?? silentLogger;
  const neverAutoSelect = options.neverAutoSelect ?? ['captions-only'];
  const breakers = new CircuitBreakerRegistry({ clock });
  const tracker = new ProviderPerformanceTracker({
    clock,
    logger,
    ...(options.random ? { random: options.random } : {}),
  });
  const costs = new CostTracker({ clock, logger, ...(options.spend ? { store: options.spend } : {}) });
  const budget = new BudgetGuard({ budgets: options.budgets ?? {}, tracker: costs });
  const failures = new JobFailureHistory();
  const health = new HealthMonitor({
    catalog: options.registry,
    breakers,
    clock,
    logger,
    intervalMs: options.healthIntervalMs ?? 30_000,
    ...(options.random ? { random: options.random } : {}),
  });
  const selection = new ProviderSelectionEngine({
    catalog: options.registry,
    metrics: tracker,
    health,
    breakers,
    failures,
    budget,
    clock,
  });
  const recovery = new ErrorRecoveryEngine({
    clock,
    ...(options.strategies ? { strategies: options.strategies } : {}),
    ...(options.random ? { random: options.random } : {}),
  });
  const policies = createFallbackPolicies({ catalog: options.registry, neverAutoSelect });
  // Alternatives offered on a stall: ranked by the selection engine, never a degradation.
  const alternatives = (jobId: string, stage: string, provider: string) => {
    const spec = options.registry.find(provider);
    if (!spec) return [];
    const exclude = [provider, ...neverAutoSelect];
    return toAlternatives(selection.selectProviders({ kind: spec.kind, stage, jobId, exclude }).candidates);
  };
  const gateway = new ProviderGateway({
    profiles: options.profiles,
    audit: options.audit,
    clock,
    ids,
    logger,
    patienceProfile: options.patienceProfile ?? 'balanced',
    stallHandlers: policies,
    alternatives,
    ...(options.pendingDecisions ? { pendingDecisions: options.pendingDecisions } : {}),
    ...(options.decisionTimeoutMs === undefined ? {} : { decisionTimeoutMs: options.decisionTimeoutMs }),
    interruptGraceMs: options.interruptGraceMs ?? 2000,
  });
  const router = new FallbackRouter({
    gateway,
    registry: options.registry,
    selection,
    recovery,
    breakers,
    failures,
    tracker,
    costs,
    budget,
    policies,
    neverAutoSelect,
    hedging: options.hedging ? { config: options.hedging } : {},
    clock,
    ids,
    logger,
    ...(options.maxSwitchesPerStage === undefined
      ? {}
      : { maxSwitchesPerStage: options.maxSwitchesPerStage }),
  });
  return {
    gateway,
    router,
    recovery,
    breakers,
    selection,
    tracker,
    health,
    costs,
    budget,
    failures,
    policies,
  };
}
