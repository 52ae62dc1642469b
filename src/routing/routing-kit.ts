import type { HedgingConfigInput } from '../config/hedging-schema.js';
import type { ProviderTimeoutProfileLoader } from '../config/timeout-profile-loader.js';
import { type Clock, systemClock } from '../domain/clock.js';
import { type IdGenerator, randomIds } from '../domain/ids.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import { ProviderGateway } from '../patience/provider-gateway.js';
import { BulkheadRegistry } from '../resilience/bulkhead-registry.js';
import { CircuitBreakerRegistry } from '../resilience/circuit-breaker-registry.js';
import { ErrorRecoveryEngine } from '../resilience/error-recovery-engine.js';
import { RateLimiter } from '../resilience/rate-limiter.js';
import type { StrategyOverrides } from '../resilience/recovery-strategies.js';
import type { AuditTrail } from '../state/audit-trail.js';
import { createMemoryRouterState } from '../state/memory/memory-router-state.js';
import type {
  BreakerStateStore,
  FailureHistoryStore,
  HealthStore,
  PendingDecisionStore,
  SharedBreakerStore,
  SpendLedger,
  SpendStore,
} from '../state/router-state.js';
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
  /**
   * Shared spend holds (Redis): each priced call holds its estimate atomically against the budgets
   * of every instance before it runs. @default holds kept in this process
   */
  spendLedger?: SpendLedger;
  /** Durable pending decisions. @default memory only */
  pendingDecisions?: PendingDecisionStore;
  /**
   * Where breaker states, provider health and per-job failure history are kept (each component
   * reads a synchronous in-process copy and writes through). @default in memory
   */
  state?: { breakers?: BreakerStateStore; health?: HealthStore; failures?: FailureHistoryStore };
  /** Breaker state shared by every instance with atomic transitions (Redis). @default none */
  sharedBreakers?: SharedBreakerStore;
  strategies?: StrategyOverrides;
  /** Proactive rate limits (configured and learned from headers). @default one with no configured limits */
  rateLimiter?: RateLimiter;
  /** Per-provider bulkheads. @default the defaults (`DEFAULT_BULKHEADS`: local Ollama and Stable Diffusion) */
  bulkheads?: BulkheadRegistry;
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
  /** Resolves once changes made by other instances are received (shared breakers). */
  ready(): Promise<void>;
  /** Resolves when every state write started so far has settled. */
  flush(): Promise<void>;
  /** Stops health checks and listening to other instances; pending writes settle first. */
  close(): Promise<void>;
  /** Proactive rate limits of every provider (feed it response headers with `learn`). */
  rateLimiter: RateLimiter;
  /** Per-provider bulkheads. */
  bulkheads: BulkheadRegistry;
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
  const memory = createMemoryRouterState();
  const breakers = new CircuitBreakerRegistry({
    clock,
    logger,
    store: options.state?.breakers ?? memory.breakers,
    ...(options.sharedBreakers ? { shared: options.sharedBreakers } : {}),
  });
  const rateLimiter = options.rateLimiter ?? new RateLimiter({ clock, logger });
  const bulkheads = options.bulkheads ?? new BulkheadRegistry({ clock });
  const tracker = new ProviderPerformanceTracker({
    clock,
    logger,
    ...(options.random ? { random: options.random } : {}),
  });
  const costs = new CostTracker({ clock, logger, ...(options.spend ? { store: options.spend } : {}) });
  const budget = new BudgetGuard({
    budgets: options.budgets ?? {},
    tracker: costs,
    ...(options.spendLedger ? { ledger: options.spendLedger } : {}),
    onLedgerError: (err) =>
      logger.warn({ tag: 'SPEND_LEDGER_FAILED', err }, 'Shared spend holds unreachable'),
  });
  const failures = new JobFailureHistory({
    store: options.state?.failures ?? memory.failures,
    now: () => clock.now(),
    logger,
  });
  const health = new HealthMonitor({
    catalog: options.registry,
    breakers,
    clock,
    logger,
    intervalMs: options.healthIntervalMs ?? 30_000,
    store: options.state?.health ?? memory.health,
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
    rateLimiter,
    bulkheads,
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
    rateLimiter,
    bulkheads,
    ready: () => breakers.ready(),
    flush: async () => {
      await Promise.all([breakers.flush(), health.flush(), failures.flush()]);
    },
    close: async () => {
      health.close();
      failures.close();
      await Promise.all([breakers.close(), health.flush(), failures.flush()]);
    },
  };
}
