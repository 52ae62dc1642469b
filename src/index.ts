/**
 * Reelay: turns a written brief into a narrated video through AI providers, and stays dependable
 * when those providers are slow, stalled, rate limited or down.
 *
 * This is the deliberate public API: everything a library user needs, by name. Internals (the
 * gateway's call host, breaker state steps, stall detection, store rows) are not exported; the
 * browser/Node client is `reelay/client`.
 *
 * @packageDocumentation
 */

export { loadConfig, type ReelayConfig } from './config/app-config.js';
// Configuration, logging, the OpenAI-compatible endpoint and the fault simulator.
export { configJsonSchema } from './config/config-json-schema.js';
export { createLogger, type LoggerOptions } from './config/logger.js';
export {
  type DeploymentConfig,
  type ModelGroupConfig,
  ModelGroupsSchema,
} from './config/model-groups-schema.js';
export { type PackageInfo, packageInfo } from './config/package-info.js';
export { ProviderTimeoutProfileLoader } from './config/timeout-profile-loader.js';
// Domain vocabulary.
export type { CallContext, CallFn, CallIdentity, CallPolicy } from './domain/call-context.js';
export { type Clock, systemClock } from './domain/clock.js';
export type { ErrorCategory } from './domain/error-category.js';
export { ERROR_CODES, type ErrorCode, ReelayError } from './domain/errors.js';
export type {
  AlternativeOption,
  AttemptRecord,
  FailureDetails,
  ReelayEvent,
  ReelayEventType,
  StoredEvent,
} from './domain/events.js';
export {
  FALLBACK_POLICIES,
  FALLBACK_REASONS,
  type FallbackDecision,
  type FallbackPolicy,
  type FallbackReason,
  STALL_OPTIONS,
  type StallOption,
} from './domain/fallback.js';
export type { Heartbeat, HeartbeatFn, HeartbeatKind } from './domain/heartbeat.js';
export type { JobRecord, JobStatus } from './domain/job-record.js';
export { type Logger, silentLogger } from './domain/logger.js';
// The provider specification (version 'v1') and the shipped adapters.
export {
  type ChatRequest,
  type ChatResult,
  type CostModel,
  type ImageProvider,
  type ImageRequest,
  type ImageResult,
  type LlmProvider,
  PROVIDER_SPECIFICATION_VERSION,
  type Provider,
  type ProviderCallContext,
  type ProviderSpec,
  type SynthesizeRequest,
  type SynthesizeResult,
  type TtsProvider,
  type Usage,
  type VideoProvider,
  type VideoRenderRequest,
  type VideoRenderResult,
} from './domain/provider.js';
export type { ProviderKind, ProviderType } from './domain/provider-type.js';
export { redactDeep, redactUrlCredentials } from './domain/redact.js';
// The container: one call builds stores, providers, router, runner and service.
export { type CreateReelayOptions, createReelay, type Reelay } from './jobs/create-reelay.js';
export type { ReelayService } from './jobs/reelay-service.js';
export type { DecisionAnswer, DecisionAnswerInput, PendingDecision } from './patience/decision-broker.js';
export { PatiencePolicy } from './patience/patience-policy.js';
export { ProviderGateway } from './patience/provider-gateway.js';
export type { StallContext, StallDecision, StallHandler } from './patience/stall-handlers.js';
export {
  type AdapterConfig,
  type AdapterConfigInput,
  createAdapterConfig,
} from './providers/http/adapter-config.js';
export { OpenAiImagesProvider } from './providers/image/openai-images-provider.js';
export { StableDiffusionProvider } from './providers/image/stable-diffusion-provider.js';
export { OllamaProvider } from './providers/llm/ollama-provider.js';
export { OpenAiChatProvider } from './providers/llm/openai-chat-provider.js';
export { createNetworkedProviders } from './providers/networked/create-networked-providers.js';
export { createOfflineProviders } from './providers/offline/index.js';
export { ProviderRegistry } from './providers/provider-registry.js';
export {
  type FaultSimulator,
  type FaultSimulatorOptions,
  startFaultSimulator,
} from './providers/simulator/fault-simulator.js';
export {
  loadScenarioFile,
  parseScenario,
  type ScenarioInput,
  type SimToolCall,
} from './providers/simulator/scenario-schema.js';
export { ElevenLabsProvider } from './providers/tts/elevenlabs-provider.js';
export { FestivalProvider } from './providers/tts/festival.js';
export { FliteProvider } from './providers/tts/flite.js';
export { OpenAiSpeechProvider } from './providers/tts/openai-speech-provider.js';
export { HeyGenProvider } from './providers/video/heygen-provider.js';
export { RunwayProvider } from './providers/video/runway-provider.js';
export { BreakerPolicy } from './resilience/breaker-policy.js';
export { Bulkhead, type BulkheadSettings, type BulkheadView } from './resilience/bulkhead.js';
export { BulkheadPolicy } from './resilience/bulkhead-policy.js';
// The call pipeline and the router.
export {
  CALL_PIPELINE_ORDER,
  type CallPipelineParts,
  createCallPipeline,
  wrap,
} from './resilience/call-policy.js';
export { CircuitBreaker } from './resilience/circuit-breaker.js';
export { CircuitBreakerRegistry } from './resilience/circuit-breaker-registry.js';
export { ErrorRecoveryEngine } from './resilience/error-recovery-engine.js';
export { type HedgePlan, type HedgePlanner, HedgePolicy } from './resilience/hedge-policy.js';
export { RateLimitPolicy } from './resilience/rate-limit-policy.js';
export { RateLimiter, type RateLimitSettings, type RateLimitView } from './resilience/rate-limiter.js';
export { RetryPolicy } from './resilience/retry-policy.js';
export { type CallSlots, SharedBulkhead, type SharedSlotsOptions } from './resilience/shared-bulkhead.js';
export { TimeoutPolicy } from './resilience/timeout-policy.js';
export { BudgetExceededError, type Budgets } from './routing/budget.js';
export type { BudgetAdmission } from './routing/budget-holds.js';
export { BudgetPolicy } from './routing/budget-policy.js';
export { estimateCost } from './routing/cost-model.js';
export {
  askPolicy,
  type CallFailure,
  createAutoPolicy,
  createFallbackPolicies,
  degradePolicy,
  type FailureDecision,
  type FallbackPolicies,
  type FallbackPolicyHandler,
  offPolicy,
} from './routing/fallback-policies.js';
export { FallbackRouter } from './routing/fallback-router.js';
export { createRoutingKit, type RoutingKit, type RoutingKitOptions } from './routing/routing-kit.js';
export type { StageCall, StageCallResult } from './routing/stage-call.js';
export { createServer } from './server/index.js';
export type { OpenAiEndpointOptions } from './server/openai/endpoint-options.js';
export type { ProxyEvent } from './server/openai/proxy-events.js';
export { MemorySessionStore, RedisSessionStore, type SessionStore } from './server/openai/session-store.js';
export { createProbeServer, type ProbeServerOptions } from './server/probe-server.js';
// Stores.
export type { AttemptTrail, UpstreamAttemptRecord } from './state/attempt-trail.js';
export type { AuditTrail } from './state/audit-trail.js';
export type { EventLog } from './state/event-log.js';
export type { JobStore } from './state/job-store.js';
export type { LearnedLimitStore } from './state/learned-limit-store.js';
export { MemoryAttemptTrail } from './state/memory/memory-attempt-trail.js';
export { MemoryAuditTrail } from './state/memory/memory-audit-trail.js';
export { createMemoryRouterState } from './state/memory/memory-router-state.js';
export { MemorySemaphoreStore } from './state/memory/memory-semaphore-store.js';
export { createMemoryStores } from './state/memory/memory-stores.js';
export { PostgresAttemptTrail } from './state/postgres/postgres-attempt-trail.js';
export { createPostgresStores } from './state/postgres/postgres-stores.js';
export { RedisBreakerStateStore } from './state/redis/redis-breaker-state-store.js';
export { RedisLearnedLimitStore } from './state/redis/redis-learned-limit-store.js';
export { RedisSemaphoreStore } from './state/redis/redis-semaphore-store.js';
export { RedisSpendLedger } from './state/redis/redis-spend-ledger.js';
export {
  type PendingDecisionStore,
  type RouterStateStores,
  type SpendCounter,
  type SpendHoldRequest,
  type SpendHoldResult,
  type SpendLedger,
  type SpendLimit,
  type SpendRecord,
  type SpendStore,
  spendCounterName,
} from './state/router-state.js';
export type { SemaphoreStore } from './state/semaphore-store.js';
export { SqliteAttemptTrail } from './state/sqlite/sqlite-attempt-trail.js';
export { createSqliteStores } from './state/sqlite/sqlite-stores.js';
export type { ReelayStores } from './state/stores.js';
export { TieredStateStore } from './state/tiers/tiered-state-store.js';
