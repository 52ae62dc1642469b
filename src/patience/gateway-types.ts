import type { ProviderTimeoutProfileLoader } from '../config/timeout-profile-loader.js';
import type { PatienceProfileName } from '../config/timeout-profile-schema.js';
import type { CallContext } from '../domain/call-context.js';
import type { Clock } from '../domain/clock.js';
import type { ErrorCategory } from '../domain/error-category.js';
import type { AlternativeOption, ReelayEventOf } from '../domain/events.js';
import type { FallbackPolicy, FallbackReason, StallOption } from '../domain/fallback.js';
import type { HeartbeatKind } from '../domain/heartbeat.js';
import type { IdGenerator } from '../domain/ids.js';
import type { Logger } from '../domain/logger.js';
import type { ProviderCallContext } from '../domain/provider.js';
import type { ProviderType } from '../domain/provider-type.js';
import type { AuditTrail } from '../state/audit-trail.js';
import type { PendingDecisionStore } from '../state/router-state.js';
import type { HeartbeatStrategy } from './heartbeat-strategy.js';
import type { StallHandler } from './stall-handlers.js';

/** The event types the {@link ProviderGateway} emits. */
export type GatewayEventType =
  | 'lock-created'
  | 'lock-released'
  | 'request-start'
  | 'heartbeat'
  | 'request-complete'
  | 'hard-error'
  | 'latency-category-changed'
  | 'stall-suspected'
  | 'stall-cleared'
  | 'fallback-decision'
  | 'decision-required'
  | 'decision-answered';

/** An event the {@link ProviderGateway} emits (a member of the one ReelayEvent union). */
export type GatewayEvent = ReelayEventOf<GatewayEventType>;

/** Ranked alternatives for a stalled or failed provider (the selection engine plugs in here). */
export type AlternativesFn = (
  jobId: string,
  stage: string,
  provider: string,
) => AlternativeOption[] | Promise<AlternativeOption[]>;

/** Options of {@link ProviderGateway}. */
export interface ProviderGatewayOptions {
  /** Timeout profiles (thresholds per provider type, stall dialog extensions). */
  profiles: ProviderTimeoutProfileLoader;
  /** Where fallback decisions are recorded. */
  audit: AuditTrail;
  /** @default systemClock */
  clock?: Clock;
  /** @default randomIds */
  ids?: IdGenerator;
  /** @default silentLogger */
  logger?: Logger;
  /** Patience profile for calls that do not name one. @default 'balanced' */
  patienceProfile?: PatienceProfileName;
  /**
   * Stall handler per fallback policy, merged over the shipped ones
   * (`ask` → askStallHandler, `off` → offStallHandler). A call without a policy, or with a
   * policy that has no handler, only reports (reportOnlyStallHandler).
   * @default {}
   */
  stallHandlers?: Partial<Record<FallbackPolicy, StallHandler>>;
  /** Alternatives offered in `decision-required`. @default () => [] */
  alternatives?: AlternativesFn;
  /** Ms to wait for a decision's answer. @default undefined (wait forever) */
  decisionTimeoutMs?: number;
  /** Where pending decisions are also kept (durable stores share them). @default none */
  pendingDecisions?: PendingDecisionStore;
  /** Option applied when the decision timeout ends. @default 'cancel_job' */
  decisionTimeoutOption?: Exclude<StallOption, 'try_alternative'>;
  /** At most one `heartbeat` event (and log line) per call per this many ms. @default 1000 */
  heartbeatEventIntervalMs?: number;
  /**
   * After an interrupt (cancel, switch, stall under `off`) the call waits up to this long for the
   * operation to actually stop (e.g. for FFmpeg to be killed) before it rejects with the abort
   * reason; an operation that ignores its signal cannot hold the caller longer. A result that
   * arrives after the interrupt is never reported as a success. @default 0 (reject at once)
   */
  interruptGraceMs?: number;
}

/** Options of {@link ProviderGateway.lockProvider}. */
export interface LockProviderOptions {
  /** @default true */
  overrideable?: boolean;
  /** Governed stages, case-insensitive. @default [] (all) */
  stages?: readonly string[];
}

/** One provider call for {@link ProviderGateway.executeWithPatience}. */
export interface ExecuteRequest<T> {
  jobId: string;
  providerName: string;
  /** @default resolved from the provider name through the profile mapping */
  providerType?: ProviderType;
  stage: string;
  correlationId: string;
  /** Polled every heartbeat interval when given; its kind wins over `heartbeatKind`. */
  heartbeatStrategy?: HeartbeatStrategy;
  /** How the provider pushes progress. @default 'none' (stalled only after deepWait) */
  heartbeatKind?: HeartbeatKind;
  /** Chooses the stall handler. @default undefined (report only) */
  fallbackPolicy?: FallbackPolicy;
  /**
   * Decides on this call's stalls, instead of the gateway's handler for `fallbackPolicy` (the router
   * passes the job's fallback policy object here).
   */
  stallHandler?: StallHandler;
  /** @default the gateway's patienceProfile */
  patienceProfile?: PatienceProfileName;
  /** Attempt number, for events. @default 1 */
  attempt?: number;
  /** The provider call. Honour `signal`; push progress through `heartbeat`. */
  operation: (ctx: ProviderCallContext) => Promise<T>;
  /** Aborts the call (rejects with REELAY_ERR_CANCELED unless the reason is a ReelayError). */
  signal?: AbortSignal;
  /**
   * The pipeline context of the call, when it runs inside the call pipeline (the patience policy
   * sets it): `operation` is then given a full {@link CallContext} — this one's identity, attempt,
   * profile and observer with the monitored call's signal and heartbeat — and progress is also
   * forwarded to this context's heartbeat. @default none
   */
  context?: CallContext;
}

/** Input of {@link ProviderGateway.switchProvider}. */
export interface SwitchProviderRequest {
  jobId: string;
  toProvider: string;
  /** @default resolved from the name through the profile mapping */
  toProviderType?: ProviderType;
  reason: FallbackReason;
  /** @default the locked provider */
  fromProvider?: string;
  /** @default 0 */
  elapsedBeforeSwitchMs?: number;
  /** @default the lock's correlation id */
  correlationId?: string;
  /** @default the lock's stages */
  stages?: readonly string[];
  context?: string;
  errorCategory?: ErrorCategory;
  /** For USER_REQUEST / DEGRADED only: whether a person confirmed. */
  userConfirmed?: boolean;
}

/** What {@link ProviderGateway.getStatistics} returns. */
export interface GatewayStatistics {
  activeLocks: number;
  activeOperations: number;
  pendingDecisions: number;
  totalFallbackDecisions: number;
  /** USER_REQUEST + USER_AFTER_STALL. */
  userRequestedFallbacks: number;
  /** PROVIDER_FATAL_ERROR + AUTO_AFTER_ERROR. */
  errorTriggeredFallbacks: number;
  byReason: Partial<Record<FallbackReason, number>>;
}
