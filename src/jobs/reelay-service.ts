import type { Disposable } from '../domain/disposable.js';
import type { StoredEvent } from '../domain/events.js';
import type { FallbackDecision, StallOption } from '../domain/fallback.js';
import type { ProviderKind, ProviderType } from '../domain/provider-type.js';
import type { DecisionAnswerInput } from '../patience/decision-broker.js';
import type { BulkheadView } from '../resilience/bulkhead.js';
import type { RateLimitView } from '../resilience/rate-limiter.js';
import type { StateHealthReport } from '../state/tiers/tier-health.js';
import type { JobRecord, JobStatus } from './job-record.js';

/** A decision waiting for an answer (the payload of the last `decision-required` event). */
export interface PendingDecisionView {
  decisionId: string;
  jobId: string;
  stage: string;
  provider: string;
  trigger: 'stall' | 'error';
  options: StallOption[];
  alternatives: Array<{ provider: string; score: number; reasons: string[] }>;
  requestedAt: string;
}

/** An answer to a pending decision: `{ option, provider?, decisionId? }`. */
export type { DecisionAnswerInput } from '../patience/decision-broker.js';

/** What the API reports about one provider. */
export interface ProviderInfo {
  id: string;
  displayName: string;
  kind: ProviderKind;
  profileType: ProviderType;
  priority: number;
  offline: boolean;
  health: {
    healthy: boolean;
    latencyMs: number;
    message: string;
    checkedAt: string | null;
    uptime: number;
  } | null;
  breaker: { state: string; reason?: string };
  latency: {
    calls: number;
    successRate: number | null;
    p50Ms: number | null;
    p95Ms: number | null;
    p99Ms: number | null;
  };
  score: { total: number; components: Record<string, number>; reasons: string[] } | null;
  /** Reelay's own limits on calls to this provider (docs/rate-limits-and-bulkheads.md). */
  limits: ProviderLimitsView;
}

/** A provider's bulkhead and proactive rate limit, as `/api/providers` shows them. */
export interface ProviderLimitsView {
  /** Call slots: null when the provider has no bulkhead. */
  bulkhead: BulkheadView | null;
  /** Rate limit: null when none is configured or learned. */
  rateLimit: RateLimitView | null;
}

/** One hour of a provider's calls (the performance tracker's hourly bucket). */
export interface PerformanceHourView {
  /** Start of the UTC hour, ISO-8601. */
  hour: string;
  calls: number;
  successRate: number;
  p50Ms: number;
  p95Ms: number;
}

/** A provider's performance from the server's tracker: last 24 h hourly, trend and prediction. */
export interface ProviderPerformanceView {
  provider: string;
  window: '24h';
  /** Hours of the window that had calls, oldest first. */
  series: PerformanceHourView[];
  /** Over the whole window. */
  calls: number;
  successRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  /** Latency trend over the window; `improving` means latency falls. */
  trend: {
    direction: 'improving' | 'degrading' | 'stable';
    changePct: number;
    confidence: number;
    points: number;
  };
  /** What the recent calls suggest; null with fewer than 10 calls. */
  prediction: {
    failureRate: number;
    responseTimeMs: number;
    optimalLoad: number;
    confidence: number;
    samples: number;
  } | null;
}

/** One configured spending limit with what was spent against it. */
export interface BudgetView {
  scope: 'job' | 'provider';
  /** Provider id (provider scope) or job id (job scope, only in `jobs`). */
  subject: string | null;
  period: 'job' | 'day' | 'month';
  limitUsd: number;
  spentUsd: number;
  remainingUsd: number;
}

/** Configured budgets with spend so far (UTC day and month). */
export interface BudgetsView {
  /** Per-provider daily and monthly limits, and the per-job limit's definition (subject null). */
  budgets: BudgetView[];
  /** Spend per provider this UTC day and month, also for providers without a limit. */
  spend: Array<{ provider: string; dayUsd: number; monthUsd: number }>;
}

/** Gateway statistics (docs/api-vocabulary.md#gateway-statistics). */
export interface GatewayStatsView {
  activeLocks: number;
  activeOperations: number;
  totalFallbackDecisions: number;
  userRequested: number;
  errorTriggered: number;
  byReason: Record<string, number>;
}

/** Result of a readiness probe. */
export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; message: string }>;
}

/** A completed pipeline step (checkpoint). */
export interface JobStepView {
  stepId: string;
  artifactPath: string;
  sha256: string;
  sizeBytes: number;
  completedAt: string;
}

/** Options of {@link ReelayService.submit}. */
export interface SubmitOptions {
  correlationId?: string;
  idempotencyKey?: string;
  /** Owner name of the API key submitting the job; absent/null = anonymous. */
  submittedBy?: string | null;
}

/** Options of {@link ReelayService.submit}. */
export interface SubmitOptions {
  correlationId?: string;
  idempotencyKey?: string;
  /** Owner name of the API key submitting the job; absent or null = anonymous. */
  submittedBy?: string | null;
}

/**
 * The facade every entry point (HTTP server, CLI, worker) talks to. One implementation wires the
 * container of components (stores, gateway, router, orchestrator, queue); the server and CLI stay
 * thin. Errors are `ReelayError`s with stable codes: `REELAY_ERR_VALIDATION` (bad request, with
 * `details.fields`), `REELAY_ERR_NOT_FOUND`, `REELAY_ERR_CONFLICT` (e.g. cancel of a finished job,
 * answer with nothing pending).
 */
export interface ReelayService {
  /**
   * Validates and queues a generation request. With `idempotencyKey`, the same key returns the
   * job it first created (on any instance sharing the store) instead of creating another.
   * `submittedBy` is the owner name of the submitting API key, recorded on the job (never the key).
   */
  submit(input: unknown, options?: SubmitOptions): Promise<JobRecord>;
  /** Each router-state tier's latency and a healthy / degraded / critical verdict (absent: not reported). */
  stateHealth?(): Promise<StateHealthReport>;
  getJob(id: string): Promise<JobRecord | null>;
  listJobs(query?: {
    status?: JobStatus;
    limit?: number;
    cursor?: string;
  }): Promise<{ items: JobRecord[]; nextCursor: string | null }>;
  /** Cancels a queued or running job; the running work stops within a second. */
  cancel(id: string, reason?: string): Promise<JobRecord>;
  /** Completed steps (checkpoints) of a job. */
  steps(id: string): Promise<JobStepView[]>;
  /** Events of a job after `afterId` (replay for SSE resume). */
  readEvents(jobId: string, afterId?: number, limit?: number): Promise<StoredEvent[]>;
  /** Live events of a job. */
  subscribe(jobId: string, listener: (event: StoredEvent) => void): Disposable;
  /** The audit trail of a job. */
  decisions(jobId: string): Promise<FallbackDecision[]>;
  pendingDecision(jobId: string): Promise<PendingDecisionView | null>;
  answerDecision(jobId: string, answer: DecisionAnswerInput): Promise<void>;
  listProviders(): Promise<ProviderInfo[]>;
  /** Opens, closes or isolates a provider's circuit breaker for maintenance. */
  setCircuit(
    providerId: string,
    action: 'open' | 'close' | 'isolate',
    reason?: string,
  ): Promise<{ state: string }>;
  /**
   * A provider's hourly p50/p95 over the last 24 h, success rate, latency trend and prediction.
   * @throws ReelayError `REELAY_ERR_PROVIDER_UNKNOWN` (HTTP 400) for an unknown provider.
   */
  providerPerformance(providerId: string): Promise<ProviderPerformanceView>;
  /** Configured budgets with spent so far and remaining. */
  budgets(): Promise<BudgetsView>;
  gatewayStats(): Promise<GatewayStatsView>;
  readiness(): Promise<ReadinessReport>;
  /** Prometheus text exposition of job, stage, provider, breaker, stall and decision metrics. */
  metricsText(): Promise<string>;
  /** Stops workers and closes stores. */
  close(): Promise<void>;
}
