import type { ReelayConfig } from '../config/app-config.js';
import type { Clock } from '../domain/clock.js';
import type { Disposable } from '../domain/disposable.js';
import { ReelayError } from '../domain/errors.js';
import type { StoredEvent } from '../domain/events.js';
import type { FallbackDecision } from '../domain/fallback.js';
import type { IdGenerator } from '../domain/ids.js';
import { redactDeep } from '../domain/redact.js';
import { assertStorable } from '../domain/storable-text.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { RoutingKit } from '../routing/routing-kit.js';
import type { ReelayStores } from '../state/stores.js';
import type { StateHealthReport } from '../state/tiers/tier-health.js';
import { describeBudgets, describePerformance } from './describe-performance.js';
import { describeProviders } from './describe-providers.js';
import { followJobEvents } from './follow-job-events.js';
import type { JobEventSink } from './job-event-sink.js';
import type { JobRecord, JobStatus } from './job-record.js';
import type { JobRunner } from './job-runner.js';
import {
  pendingDecisionFromLog,
  pendingDecisionView,
  type StoredDecisionRequired,
} from './pending-decision-from-log.js';
import { checkReadiness } from './readiness-checks.js';
import type { ReelayMetrics } from './reelay-metrics.js';
import type {
  BudgetsView,
  DecisionAnswerInput,
  GatewayStatsView,
  JobStepView,
  PendingDecisionView,
  ProviderInfo,
  ProviderPerformanceView,
  ReadinessReport,
  ReelayService,
  SubmitOptions,
} from './reelay-service.js';
import { submitRemoteAnswer } from './remote-decision-answer.js';
import { submitJob } from './submit-job.js';

/** What the local service is made of (see `createReelay`). */
export interface LocalServiceParts {
  config: ReelayConfig;
  stores: ReelayStores;
  kit: RoutingKit;
  registry: ProviderRegistry;
  sink: JobEventSink;
  runner: JobRunner;
  metrics: ReelayMetrics;
  clock: Clock;
  ids: IdGenerator;
  /** True when this process runs a worker (readiness reports the queue). */
  worker: boolean;
  /** True when other processes write to the same stores (PostgreSQL): live events are also polled. */
  sharedStore?: boolean;
  /** Poll interval for events written by other processes. @default 500 */
  sharedPollMs?: number;
  /** The shared job queue (Redis deployments): submits enqueue there, cancels are published. */
  queue?: {
    enqueue(jobId: string): Promise<void>;
    publishCancel(jobId: string, reason: string): Promise<void>;
  };
  /** The router's state tiers (health of L1, Redis and the durable tier). */
  routerState?: { health(): Promise<StateHealthReport> };
  close: () => Promise<void>;
}

/** The {@link ReelayService} over this process's container (stores, router, worker). */
export class LocalReelayService implements ReelayService {
  constructor(private readonly parts: LocalServiceParts) {}

  submit(input: unknown, options: SubmitOptions = {}): Promise<JobRecord> {
    return submitJob(this.parts, input, options);
  }

  getJob(id: string): Promise<JobRecord | null> {
    return this.parts.stores.jobs.get(id);
  }

  listJobs(query: { status?: JobStatus; limit?: number; cursor?: string } = {}) {
    return this.parts.stores.jobs.list(query);
  }

  async cancel(id: string, reason = 'canceled by the user'): Promise<JobRecord> {
    // Validated before anything moves: a cancel that fails must change nothing.
    assertStorable({ reason }, 'cancel request');
    const job = await this.mustGet(id);
    if (job.status === 'done' || job.status === 'failed' || job.status === 'canceled') {
      throw new ReelayError(
        'REELAY_ERR_CONFLICT',
        `Job ${id} already ended (${job.status}); nothing to cancel`,
        {
          details: { status: job.status },
        },
      );
    }
    this.parts.kit.gateway.withdrawDecisions(id, reason);
    const canceled = await this.parts.runner.cancel(id, reason);
    await this.parts.queue?.publishCancel(id, reason).catch(() => undefined);
    return canceled;
  }

  async steps(id: string): Promise<JobStepView[]> {
    await this.mustGet(id);
    const list = await this.parts.stores.checkpoints.list(id);
    return list.map((c) => ({
      stepId: c.stepId,
      artifactPath: c.artifactPath,
      sha256: c.sha256,
      sizeBytes: c.sizeBytes,
      completedAt: c.completedAt,
    }));
  }

  readEvents(jobId: string, afterId = 0, limit?: number): Promise<StoredEvent[]> {
    return this.parts.stores.events.read(jobId, afterId, limit);
  }

  /**
   * Live events of a job. Events appended in this process arrive at once; with a shared store
   * (PostgreSQL: workers in other processes) the log is also read every `sharedPollMs`, and each
   * id is delivered once, in order. With `afterId` (shared store only), the events after it are
   * replayed first.
   */
  subscribe(
    jobId: string,
    listener: (event: StoredEvent) => void,
    options: { afterId?: number } = {},
  ): Disposable {
    return followJobEvents(jobId, listener, {
      events: this.parts.stores.events,
      clock: this.parts.clock,
      sharedStore: this.parts.sharedStore === true,
      pollMs: this.parts.sharedPollMs ?? 500,
      ...(this.parts.stores.wake ? { wake: (id, wake) => this.parts.stores.wake!.onEvents(id, wake) } : {}),
      ...(options.afterId === undefined ? {} : { afterId: options.afterId }),
    });
  }

  async decisions(jobId: string): Promise<FallbackDecision[]> {
    await this.mustGet(jobId);
    return this.parts.stores.audit.history(jobId);
  }

  async pendingDecision(jobId: string): Promise<PendingDecisionView | null> {
    await this.mustGet(jobId);
    const p = this.parts.kit.gateway.getPendingDecision(jobId);
    if (!p) {
      const remote = await this.remotePending(jobId);
      return remote ? redactDeep(pendingDecisionView(remote)) : null;
    }
    return redactDeep({
      decisionId: p.decisionId,
      jobId: p.jobId,
      stage: p.stage,
      provider: p.provider,
      trigger: p.trigger,
      options: p.options,
      alternatives: p.alternatives,
      requestedAt: p.requestedAt,
    });
  }

  async answerDecision(jobId: string, answer: DecisionAnswerInput): Promise<void> {
    assertStorable(answer, 'decision answer');
    const job = await this.mustGet(jobId);
    const local = this.parts.kit.gateway.getPendingDecision(jobId);
    const remote = local ? null : await this.remotePending(jobId);
    const pending = local ?? remote;
    if (!pending) {
      throw new ReelayError('REELAY_ERR_CONFLICT', `Job ${jobId} has no decision waiting for an answer`);
    }
    if (answer.option === 'try_alternative') {
      if (!answer.provider) {
        throw new ReelayError(
          'REELAY_ERR_VALIDATION',
          'try_alternative needs "provider": the provider to switch to',
          {
            details: { fields: [{ field: 'provider', message: 'required for try_alternative' }] },
          },
        );
      }
      const current = this.parts.registry.find(pending.provider);
      try {
        this.parts.registry.get(answer.provider, current?.kind);
      } catch (error) {
        throw new ReelayError('REELAY_ERR_VALIDATION', (error as Error).message, {
          details: { fields: [{ field: 'provider', message: (error as Error).message }] },
        });
      }
    }
    if (remote) {
      await submitRemoteAnswer(job, remote, answer, this.parts);
      return;
    }
    this.parts.kit.gateway.answerDecision(jobId, answer);
  }

  async listProviders(): Promise<ProviderInfo[]> {
    return redactDeep(describeProviders(this.parts.registry, this.parts.kit));
  }

  async setCircuit(
    providerId: string,
    action: 'open' | 'close' | 'isolate',
    reason = 'maintenance',
  ): Promise<{ state: string }> {
    assertStorable({ reason }, 'circuit request');
    const { registry, kit } = this.parts;
    registry.get(providerId);
    const breaker = kit.breakers.get(providerId);
    if (action === 'open') breaker.open(reason);
    else if (action === 'isolate') breaker.isolate(reason);
    else breaker.close(reason);
    kit.selection.invalidate(providerId);
    return { state: breaker.state.state };
  }

  async providerPerformance(providerId: string): Promise<ProviderPerformanceView> {
    this.parts.registry.get(providerId);
    return describePerformance(this.parts.kit, providerId);
  }

  async budgets(): Promise<BudgetsView> {
    const { kit, config, registry, clock, stores } = this.parts;
    const running = await stores.jobs.list({ status: 'running', limit: 100 });
    return describeBudgets({
      kit,
      budgets: config.budgets,
      providerIds: registry.list().map((p) => p.id),
      runningJobIds: running.items.map((j) => j.id),
      clock,
    });
  }

  async gatewayStats(): Promise<GatewayStatsView> {
    const s = await this.parts.kit.gateway.getStatistics();
    return {
      activeLocks: s.activeLocks,
      activeOperations: s.activeOperations,
      totalFallbackDecisions: s.totalFallbackDecisions,
      userRequested: s.userRequestedFallbacks,
      errorTriggered: s.errorTriggeredFallbacks,
      byReason: s.byReason as Record<string, number>,
    };
  }

  readiness(): Promise<ReadinessReport> {
    const { stores, config, runner, worker, routerState } = this.parts;
    return checkReadiness({
      stores,
      dataDir: config.dataDir,
      runner,
      worker,
      ...(routerState ? { routerState } : {}),
    });
  }

  /** Each state tier's latency and the verdict (healthy / degraded / critical). */
  async stateHealth(): Promise<StateHealthReport> {
    if (this.parts.routerState) return this.parts.routerState.health();
    return {
      verdict: 'healthy',
      mode: 'local',
      tiers: [{ tier: 'l1', configured: true, up: true }],
      l1: { hits: 0, misses: 0, hitRate: 0, size: 0 },
    };
  }

  metricsText(): Promise<string> {
    return this.parts.metrics.text();
  }

  close(): Promise<void> {
    return this.parts.close();
  }

  /** On a shared store, the decision another process holds for the job, read from the log. */
  private async remotePending(jobId: string): Promise<StoredDecisionRequired | null> {
    if (!this.parts.sharedStore) return null;
    return pendingDecisionFromLog(await this.parts.stores.events.read(jobId, 0));
  }

  private async mustGet(id: string): Promise<JobRecord> {
    const job = await this.parts.stores.jobs.get(id);
    if (!job) throw new ReelayError('REELAY_ERR_NOT_FOUND', `No job with id ${id}`);
    return job;
  }
}
