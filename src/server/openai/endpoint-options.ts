import type { HedgingConfigInput } from '../../config/hedging-schema.js';
import type { ModelGroupConfig, ModelGroupInput } from '../../config/model-groups-schema.js';
import { DEFAULT_TIMEOUT_PROFILES } from '../../config/timeout-profile-defaults.js';
import type { Logger } from '../../domain/logger.js';
import type { CircuitBreakerRegistry } from '../../resilience/circuit-breaker-registry.js';
import type { BreakerThresholds } from '../../resilience/circuit-breaker-state.js';
import type { RateLimiter } from '../../resilience/rate-limiter.js';
import type { CallSlots } from '../../resilience/shared-bulkhead.js';
import type { BudgetGuard } from '../../routing/budget.js';
import type { CostTracker } from '../../routing/cost-tracker.js';
import type { AttemptTrail } from '../../state/attempt-trail.js';
import type { AuditTrail } from '../../state/audit-trail.js';
import type { ProxyEventSink } from './proxy-events.js';
import type { SessionStore } from './session-store.js';

/** Options of the OpenAI-compatible endpoint (`createServer({ openai })`). */
export interface OpenAiEndpointOptions {
  /** Model groups by the name clients send as `model` (`ReelayConfig.modelGroups` fits). */
  groups: Readonly<Record<string, ModelGroupConfig | ModelGroupInput>>;
  /** API keys by environment variable name (`ReelayConfig.secrets`). @default {} */
  secrets?: Readonly<Record<string, string>>;
  /** Where switches are recorded. @default a memory audit trail */
  audit?: AuditTrail;
  /** Where every upstream attempt is recorded (written in batches, off the request path). @default memory */
  attempts?: AttemptTrail;
  /** Sticky sessions. @default memory (pass a {@link RedisSessionStore} to share across instances) */
  sessions?: SessionStore;
  /** Circuit breakers, one per deployment id. @default a new registry with `breaker` thresholds */
  breakers?: CircuitBreakerRegistry;
  /** Breaker thresholds when no registry is given. @default 5 failures, 60 s recovery */
  breaker?: Partial<BreakerThresholds>;
  /** Spend per deployment (`provider` = deployment id). @default a new tracker */
  costs?: CostTracker;
  /** Budgets checked before each attempt (per deployment id). @default none */
  budgets?: BudgetGuard;
  /**
   * Proactive rate limits per deployment id: each attempt takes its place in the window first and
   * every upstream answer's headers teach it (docs/rate-limits-and-bulkheads.md). @default none
   */
  rateLimiter?: RateLimiter;
  /**
   * Bulkheads per deployment id (`providers.<deployment id>.bulkhead`): each attempt holds a call
   * slot until its answer or stream ends; a refusal moves on to the next deployment, or answers
   * 503 `REELAY_ERR_PROVIDER_OVERLOAD` with Retry-After when none is left. @default none
   */
  bulkheads?: { get(deployment: string): CallSlots | undefined };
  /** Receives every attempt, switch and stream event. */
  onEvent?: ProxyEventSink;
  /** HMAC secret of `ask` decision tokens; instances behind one balancer must share it. @default random */
  decisionSecret?: string;
  /** How long a decision token is accepted. @default 600000 */
  decisionTtlMs?: number;
  /** Endpoint-wide timing defaults (a group's own settings win). @default the cloud_llm profile */
  limits?: Partial<ProxyLimits>;
  /** Hedging of first tokens per model group (`hedging.modelGroups`, docs/hedging.md). @default none */
  hedging?: HedgingConfigInput;
  /** Largest chat request body. @default 4194304 */
  maxBodyBytes?: number;
  /** Structured logger. @default the server's logger */
  logger?: Logger;
}

/** Timing limits of one request. */
export interface ProxyLimits {
  /** Time to the first content token (streams) before failing over. */
  firstTokenTimeoutMs: number;
  /** Longest gap between stream chunks. */
  stallTimeoutMs: number;
  /** Limit of a whole non-streaming answer. */
  responseTimeoutMs: number;
  /** Session pin lifetime after the last request. */
  stickyTtlMs: number;
  /** Attempts on one deployment before switching. */
  maxAttemptsPerDeployment: number;
  /** Longest Retry-After honoured on the same deployment. */
  maxRetryAfterMs: number;
  /** Wait before retrying the same deployment when it named none (never more than 4 attempts a second). */
  backoffMs: number;
  /** After a finish chunk, how long to wait for the usage chunk before finalising. */
  finishGraceMs: number;
}

const cloud = DEFAULT_TIMEOUT_PROFILES.providerTypes.cloud_llm;

/** Limits from the `cloud_llm` timeout profile: TTFT = normal, stall = heartbeat × multiplier. */
export const DEFAULT_PROXY_LIMITS: Readonly<ProxyLimits> = Object.freeze({
  firstTokenTimeoutMs: cloud?.normalMs ?? 15_000,
  stallTimeoutMs: (cloud?.heartbeatIntervalMs ?? 5_000) * (cloud?.stallMultiplier ?? 4),
  responseTimeoutMs: cloud?.extendedMs ?? 60_000,
  stickyTtlMs: 3_600_000,
  maxAttemptsPerDeployment: 2,
  maxRetryAfterMs: 2_000,
  backoffMs: 250,
  finishGraceMs: 50,
});

/** The limits of a group: its own settings over the endpoint's over the defaults. */
export function groupLimits(
  group: ModelGroupConfig,
  endpoint: Partial<ProxyLimits> | undefined,
): ProxyLimits {
  const base = { ...DEFAULT_PROXY_LIMITS, ...endpoint };
  return {
    ...base,
    firstTokenTimeoutMs: group.firstTokenTimeoutMs ?? base.firstTokenTimeoutMs,
    stallTimeoutMs: group.stallTimeoutMs ?? base.stallTimeoutMs,
    responseTimeoutMs: group.responseTimeoutMs ?? base.responseTimeoutMs,
    stickyTtlMs: group.stickyTtlMs ?? base.stickyTtlMs,
    maxAttemptsPerDeployment: group.maxAttemptsPerDeployment ?? base.maxAttemptsPerDeployment,
    maxRetryAfterMs: group.maxRetryAfterMs ?? base.maxRetryAfterMs,
  };
}
