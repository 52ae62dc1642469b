import type { ProviderTimeoutProfileLoader } from '../config/timeout-profile-loader.js';
import type { PatienceProfileName } from '../config/timeout-profile-schema.js';
import { type Clock, systemClock } from '../domain/clock.js';
import { type Disposable, TypedEmitter } from '../domain/disposable.js';
import { ReelayError } from '../domain/errors.js';
import type { FallbackDecision, FallbackPolicy } from '../domain/fallback.js';
import type { Heartbeat } from '../domain/heartbeat.js';
import { type IdGenerator, randomIds } from '../domain/ids.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import type { ProviderType } from '../domain/provider-type.js';
import type { AuditTrail } from '../state/audit-trail.js';
import { raceAbort } from './abort-race.js';
import {
  type DecisionAnswer,
  type DecisionAnswerInput,
  DecisionBroker,
  type DecisionHandle,
  type DecisionRequest,
  type PendingDecision,
} from './decision-broker.js';
import { FallbackDecisionFactory, type FallbackDecisionInput } from './fallback-decision.js';
import type {
  AlternativesFn,
  ExecuteRequest,
  GatewayEvent,
  GatewayStatistics,
  LockProviderOptions,
  ProviderGatewayOptions,
  SwitchProviderRequest,
} from './gateway-types.js';
import { startHeartbeatPoller } from './heartbeat-poller.js';
import type { LockValidation, PrimaryProviderLock } from './primary-provider-lock.js';
import { ProviderLockRegistry } from './provider-lock-registry.js';
import type { ProviderState } from './provider-state.js';
import { ProviderSwitchRequestedError } from './provider-switch-error.js';
import { createStallContext } from './stall-context.js';
import { StallDetector } from './stall-detector.js';
import {
  askStallHandler,
  offStallHandler,
  reportOnlyStallHandler,
  type StallHandler,
} from './stall-handlers.js';

/** A running call, as the gateway tracks it. */
export interface RunningOperation {
  operationId: string;
  jobId: string;
  providerName: string;
  providerType: ProviderType;
  stage: string;
  correlationId: string;
  policy: FallbackPolicy | undefined;
  startedAt: number;
  controller: AbortController;
  lastHeartbeatEventAt: number;
}

/**
 * The patience layer's front door: provider locks, request validation, execution with patience
 * (profile-driven latency categories, one stall report per episode), the decision path and the
 * audit trail of fallback decisions. It never switches providers on its own.
 *
 * @example
 * const gateway = new ProviderGateway({ profiles: new ProviderTimeoutProfileLoader(),
 *   audit: new MemoryAuditTrail() });
 * gateway.lockProvider('job-1', 'Ollama', 'local_llm', 'corr-1', { stages: ['script'] });
 * const text = await gateway.executeWithPatience({ jobId: 'job-1', providerName: 'Ollama',
 *   stage: 'script', correlationId: 'corr-1', heartbeatKind: 'token_count', fallbackPolicy: 'ask',
 *   operation: ({ signal, heartbeat }) => ollama.chat(request, { signal, heartbeat }) });
 */
export class ProviderGateway {
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly logger: Logger;
  private readonly profiles: ProviderTimeoutProfileLoader;
  private readonly audit: AuditTrail;
  private readonly patienceProfile: PatienceProfileName;
  private readonly handlers: Partial<Record<FallbackPolicy, StallHandler>>;
  private readonly alternatives: AlternativesFn;
  private readonly heartbeatEventIntervalMs: number;
  private readonly emitter: TypedEmitter<GatewayEvent>;
  private readonly detector: StallDetector;
  private readonly broker: DecisionBroker;
  private readonly locks: ProviderLockRegistry;
  private readonly decisions: FallbackDecisionFactory;
  private readonly running = new Map<string, RunningOperation>();

  constructor(options: ProviderGatewayOptions) {
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? randomIds;
    this.logger = options.logger ?? silentLogger;
    this.profiles = options.profiles;
    this.audit = options.audit;
    this.patienceProfile = options.patienceProfile ?? 'balanced';
    this.handlers = { ask: askStallHandler, off: offStallHandler, ...options.stallHandlers };
    this.alternatives = options.alternatives ?? (() => []);
    this.heartbeatEventIntervalMs = options.heartbeatEventIntervalMs ?? 1000;
    this.emitter = new TypedEmitter((err) =>
      this.logger.error({ tag: 'GATEWAY_LISTENER_ERROR', err }, 'A gateway event listener threw'),
    );
    const emit = (event: GatewayEvent): void => this.emitter.emit(event);
    this.detector = new StallDetector({ clock: this.clock, logger: this.logger });
    this.detector.onAny((event) => this.onDetectorEvent(event));
    this.broker = new DecisionBroker({
      emit,
      clock: this.clock,
      ids: this.ids,
      logger: this.logger,
      ...(options.decisionTimeoutMs === undefined ? {} : { timeoutMs: options.decisionTimeoutMs }),
      ...(options.decisionTimeoutOption === undefined
        ? {}
        : { timeoutOption: options.decisionTimeoutOption }),
    });
    this.locks = new ProviderLockRegistry(this.clock, this.logger, emit);
    this.decisions = new FallbackDecisionFactory({ clock: this.clock, ids: this.ids });
  }

  /**
   * Locks a job to the provider its user chose.
   * @throws ReelayError `REELAY_ERR_LOCK_EXISTS` for a second lock on the job; `REELAY_ERR_VALIDATION` for empty inputs.
   */
  lockProvider(
    jobId: string,
    providerName: string,
    providerType: ProviderType,
    correlationId: string,
    options: LockProviderOptions = {},
  ): PrimaryProviderLock {
    return this.locks.create(
      jobId,
      providerName,
      providerType,
      correlationId,
      options.overrideable ?? true,
      options.stages ?? [],
    );
  }

  /** The job's active lock, if any. */
  getLock(jobId: string): PrimaryProviderLock | undefined {
    return this.locks.get(jobId);
  }

  /** Whether `providerName` may serve `stage` of the job (no lock → allowed). */
  validateProviderRequest(jobId: string, providerName: string, stage: string): LockValidation {
    return this.locks.get(jobId)?.validateProvider(providerName, stage) ?? { ok: true };
  }

  /** Ends the job's lock (job finished or canceled). @returns false when there was none. */
  releaseProviderLock(jobId: string, reason = 'job finished'): boolean {
    return this.locks.release(jobId, reason);
  }

  /**
   * Runs ONE attempt of a provider call with patience: validates the lock, monitors latency and
   * stalls, emits events, applies the call's stall handler, and always cleans up.
   * @throws ReelayError `REELAY_ERR_LOCK_MISMATCH` when the job is locked to another provider;
   * {@link ProviderSwitchRequestedError} when a decision switched providers mid-call;
   * `REELAY_ERR_CANCELED` / `REELAY_ERR_STALLED`; otherwise the operation's own error.
   */
  async executeWithPatience<T>(req: ExecuteRequest<T>): Promise<T> {
    for (const field of ['jobId', 'providerName', 'stage', 'correlationId'] as const) {
      if (typeof req[field] !== 'string' || req[field].trim() === '') {
        throw new ReelayError('REELAY_ERR_VALIDATION', `executeWithPatience needs a non-empty ${field}`);
      }
    }
    const { jobId, providerName, stage, correlationId } = req;
    const check = this.validateProviderRequest(jobId, providerName, stage);
    if (!check.ok) {
      throw new ReelayError('REELAY_ERR_LOCK_MISMATCH', check.message, {
        provider: providerName,
        stage,
        correlationId,
        details: { lockedProvider: this.locks.get(jobId)?.providerName, requestedProvider: providerName },
      });
    }
    const providerType = req.providerType ?? this.profiles.resolveProviderType(providerName);
    const profile = this.profiles.getProfileForType(
      providerType,
      req.patienceProfile ?? this.patienceProfile,
    );
    const heartbeatKind = req.heartbeatStrategy?.kind ?? req.heartbeatKind ?? 'none';
    const operationId = this.ids('op');
    const controller = new AbortController();
    const run: RunningOperation = {
      operationId,
      jobId,
      providerName,
      providerType,
      stage,
      correlationId,
      policy: req.fallbackPolicy,
      startedAt: this.clock.now(),
      controller,
      lastHeartbeatEventAt: Number.NEGATIVE_INFINITY,
    };
    const ref = { jobId, correlationId, provider: providerName, providerType, stage, operationId };
    const attempt = req.attempt ?? 1;
    const onCallerAbort = (): void => controller.abort(this.canceledError(run, req.signal?.reason));
    if (req.signal?.aborted) onCallerAbort();
    req.signal?.addEventListener('abort', onCallerAbort, { once: true });
    this.running.set(operationId, run);
    this.detector.monitor({ ...ref, providerName, profile, heartbeatKind });
    const stopPoller = req.heartbeatStrategy
      ? startHeartbeatPoller(
          this.clock,
          req.heartbeatStrategy,
          profile.heartbeatIntervalMs,
          (beat) => this.onHeartbeat(run, beat),
          this.logger,
        )
      : undefined;
    this.logger.info(
      { tag: 'PROVIDER_REQUEST_START', ...ref, attempt, heartbeatKind, profile: profile.patienceProfile },
      `${providerName} call started on ${stage}`,
    );
    this.emitter.emit({ type: 'request-start', ...ref, timestamp: this.iso(), attempt });
    try {
      const work = (async () =>
        req.operation({ signal: controller.signal, heartbeat: (beat) => this.onHeartbeat(run, beat) }))();
      const result = await raceAbort(work, controller.signal);
      const durationMs = this.clock.now() - run.startedAt;
      this.logger.info(
        { tag: 'PROVIDER_REQUEST_COMPLETE', ...ref, durationMs },
        `${providerName} completed ${stage}`,
      );
      this.emitter.emit({ type: 'request-complete', ...ref, timestamp: this.iso(), durationMs });
      return result;
    } catch (caught) {
      const error: unknown = controller.signal.aborted ? controller.signal.reason : caught;
      const switched = ProviderSwitchRequestedError.isInstance(error);
      const canceled = ReelayError.isInstance(error) && error.code === 'REELAY_ERR_CANCELED';
      if (!switched && !canceled) {
        this.detector.markError(operationId);
        const category = (ReelayError.isInstance(error) && error.category) || 'system_error';
        const retryable = ReelayError.isInstance(error) ? error.retryable : false;
        const message = error instanceof Error ? error.message : String(error);
        this.logger.error(
          { tag: 'PROVIDER_HARD_ERROR', ...ref, attempt, category, retryable, err: error },
          `${providerName} failed on ${stage}: ${message}`,
        );
        this.emitter.emit({
          type: 'hard-error',
          ...ref,
          timestamp: this.iso(),
          category,
          message,
          retryable,
          attempt,
        });
      }
      throw error;
    } finally {
      stopPoller?.();
      req.signal?.removeEventListener('abort', onCallerAbort);
      this.detector.stop(operationId);
      this.running.delete(operationId);
      this.broker.withdrawForOperation(operationId, 'the provider call ended');
    }
  }

  /**
   * Records a fallback decision in the audit trail and ends the job's lock on `fromProvider`
   * (a switch needs a new lock: use {@link switchProvider} to do both in one step).
   * @throws ReelayError `REELAY_ERR_CONFLICT` when the lock is not overrideable.
   */
  async recordFallbackDecision(decision: FallbackDecision): Promise<void> {
    const lock = this.locks.get(decision.jobId);
    const governs =
      lock !== undefined && lock.providerName.toLowerCase() === decision.fromProvider.toLowerCase();
    if (governs && !lock.overrideable) throw this.notOverrideable(lock, decision.toProvider);
    await this.audit.record(decision);
    if (governs)
      this.locks.release(decision.jobId, `fallback to ${decision.toProvider} (${decision.reason})`);
    this.announce(decision);
  }

  /**
   * Records the decision AND moves the job's lock to `toProvider` in one step.
   * @throws ReelayError `REELAY_ERR_CONFLICT` when the lock is not overrideable,
   * `REELAY_ERR_VALIDATION` when there is neither a lock nor `fromProvider`.
   */
  async switchProvider(
    req: SwitchProviderRequest,
  ): Promise<{ decision: FallbackDecision; lock: PrimaryProviderLock | undefined }> {
    const lock = this.locks.get(req.jobId);
    const fromProvider = req.fromProvider ?? lock?.providerName;
    const correlationId = req.correlationId ?? lock?.correlationId;
    if (!fromProvider || !correlationId) {
      throw new ReelayError(
        'REELAY_ERR_VALIDATION',
        `Job ${req.jobId} has no provider lock; switchProvider needs fromProvider and correlationId`,
      );
    }
    if (lock && !lock.overrideable) throw this.notOverrideable(lock, req.toProvider);
    const input: FallbackDecisionInput = {
      jobId: req.jobId,
      fromProvider,
      toProvider: req.toProvider,
      elapsedBeforeSwitchMs: req.elapsedBeforeSwitchMs ?? 0,
      correlationId,
      stages: req.stages ?? lock?.stages ?? [],
      ...(req.context === undefined ? {} : { context: req.context }),
      ...(req.errorCategory === undefined ? {} : { errorCategory: req.errorCategory }),
    };
    const decision = this.makeDecision(req, input);
    const toType = req.toProviderType ?? this.profiles.resolveProviderType(req.toProvider);
    await this.audit.record(decision);
    const current = this.locks.get(req.jobId);
    const moved = current
      ? this.locks.move(
          req.jobId,
          req.toProvider,
          toType,
          `switched to ${req.toProvider} (${decision.reason})`,
        )
      : undefined;
    this.announce(decision);
    return { decision, lock: moved };
  }

  /** Opens a pending decision (`decision-required`); see {@link DecisionBroker.request}. */
  requestDecision(req: DecisionRequest): DecisionHandle {
    return this.broker.request(req);
  }

  /** Answers the job's pending decision; see {@link DecisionBroker.answer}. */
  answerDecision(jobId: string, answer: DecisionAnswerInput): DecisionAnswer {
    return this.broker.answer(jobId, answer);
  }

  /** The job's pending decision, if any. */
  getPendingDecision(jobId: string): PendingDecision | undefined {
    return this.broker.getPending(jobId);
  }

  /**
   * Applies a stall option to a running call: continue_30s / continue_5m suppress stall reports
   * for the profile file's extension; try_alternative records USER_AFTER_STALL, moves the lock and
   * aborts the call with {@link ProviderSwitchRequestedError}; cancel_job aborts with
   * REELAY_ERR_CANCELED and releases the lock. @returns false when the call already ended.
   */
  async applyStallOption(operationId: string, answer: DecisionAnswerInput): Promise<boolean> {
    const run = this.running.get(operationId);
    if (!run) return false;
    if (answer.option === 'try_alternative' && !answer.provider?.trim()) {
      throw new ReelayError('REELAY_ERR_VALIDATION', 'try_alternative needs the provider to switch to');
    }
    if (answer.decisionId === undefined) {
      // Applied directly (not through a pending decision): announce it the same way.
      this.broker.withdrawForOperation(operationId, `answered directly with ${answer.option}`);
      this.emitter.emit({
        type: 'decision-answered',
        jobId: run.jobId,
        timestamp: this.iso(),
        correlationId: run.correlationId,
        decisionId: this.ids('decision'),
        option: answer.option,
        ...(answer.provider ? { provider: answer.provider } : {}),
      });
    }
    const log = {
      tag: 'STALL_OPTION_APPLIED',
      jobId: run.jobId,
      operationId,
      correlationId: run.correlationId,
    };
    this.logger.info(
      { ...log, option: answer.option, provider: answer.provider },
      `Stall option ${answer.option}`,
    );
    switch (answer.option) {
      case 'continue_30s':
      case 'continue_5m': {
        const extension = this.profiles.getConfiguration().stallDialogOptions[answer.option].extensionMs;
        return this.detector.suppress(operationId, extension);
      }
      case 'try_alternative': {
        const next = answer.provider!.trim();
        const { decision, lock } = await this.switchProvider({
          jobId: run.jobId,
          fromProvider: run.providerName,
          toProvider: next,
          reason: 'USER_AFTER_STALL',
          elapsedBeforeSwitchMs: this.clock.now() - run.startedAt,
          correlationId: run.correlationId,
          stages: this.locks.get(run.jobId)?.stages ?? [run.stage],
        });
        const error = new ProviderSwitchRequestedError({
          jobId: run.jobId,
          stage: run.stage,
          fromProvider: run.providerName,
          nextProvider: next,
          nextProviderType: lock?.providerType ?? this.profiles.resolveProviderType(next),
          decisionId: decision.id,
          reason: decision.reason,
          correlationId: run.correlationId,
        });
        run.controller.abort(error);
        return true;
      }
      case 'cancel_job':
        run.controller.abort(
          new ReelayError(
            'REELAY_ERR_CANCELED',
            `Job ${run.jobId} was canceled by the user while ${run.providerName} was stalled on stage "${run.stage}"`,
            { provider: run.providerName, stage: run.stage, correlationId: run.correlationId },
          ),
        );
        this.locks.release(run.jobId, 'canceled by the user after a stall');
        return true;
    }
  }

  /** The state of a running call, or undefined once it ended. */
  getProviderState(operationId: string): ProviderState | undefined {
    return this.detector.getState(operationId);
  }

  /** States of the running calls, of one job when `jobId` is given. */
  getActiveOperations(jobId?: string): ProviderState[] {
    const all = this.detector.getStates();
    return jobId === undefined ? all : all.filter((s) => s.jobId === jobId);
  }

  /** The job's fallback decisions in order (empty when none; never null). */
  async getFallbackHistory(jobId: string): Promise<FallbackDecision[]> {
    return (await this.audit.history(jobId)) ?? [];
  }

  /** Counts for monitoring; decision counts come from the audit trail. */
  async getStatistics(): Promise<GatewayStatistics> {
    const byReason = await this.audit.countByReason();
    const n = (k: keyof typeof byReason): number => byReason[k] ?? 0;
    return {
      activeLocks: this.locks.size,
      activeOperations: this.running.size,
      pendingDecisions: this.broker.size,
      totalFallbackDecisions: Object.values(byReason).reduce((a, b) => a + (b ?? 0), 0),
      userRequestedFallbacks: n('USER_REQUEST') + n('USER_AFTER_STALL'),
      errorTriggeredFallbacks: n('PROVIDER_FATAL_ERROR') + n('AUTO_AFTER_ERROR'),
      byReason,
    };
  }

  /** Listens to one event type. */
  on<T extends GatewayEvent['type']>(
    type: T,
    listener: (event: Extract<GatewayEvent, { type: T }>) => void,
  ): Disposable {
    return this.emitter.on(type, listener);
  }

  /** Listens to every event. */
  onAny(listener: (event: GatewayEvent) => void): Disposable {
    return this.emitter.onAny(listener);
  }

  private onHeartbeat(run: RunningOperation, beat: Heartbeat): void {
    if (this.running.get(run.operationId) !== run || typeof beat !== 'object' || beat === null) return;
    const result = this.detector.heartbeat(run.operationId, beat);
    if (!result) return;
    const now = this.clock.now();
    if (now - run.lastHeartbeatEventAt < this.heartbeatEventIntervalMs) return;
    run.lastHeartbeatEventAt = now;
    const ref = this.ref(run);
    this.logger.debug(
      { tag: 'PROVIDER_HEARTBEAT', ...ref, progressed: result.progressed, count: result.heartbeatCount },
      `${run.providerName} heartbeat`,
    );
    this.emitter.emit({
      type: 'heartbeat',
      ...ref,
      timestamp: new Date(now).toISOString(),
      heartbeat: beat,
      progressed: result.progressed,
    });
  }

  private onDetectorEvent(event: Parameters<Parameters<StallDetector['onAny']>[0]>[0]): void {
    const fields = { ...event, tag: '' };
    if (event.type === 'latency-category-changed') {
      this.logger.info({ ...fields, tag: 'PROVIDER_LATENCY_CATEGORY_CHANGE' }, `${event.from} → ${event.to}`);
    } else if (event.type === 'stall-suspected') {
      this.logger.warn({ ...fields, tag: 'PROVIDER_STALL_SUSPECTED' }, `${event.provider} stall suspected`);
    } else {
      this.logger.info({ ...fields, tag: 'PROVIDER_STALL_CLEARED' }, `${event.provider} progressing again`);
    }
    this.emitter.emit(event);
    if (event.type !== 'stall-suspected') return;
    const run = this.running.get(event.operationId);
    if (!run) return;
    const handler = (run.policy && this.handlers[run.policy]) || reportOnlyStallHandler;
    const ctx = createStallContext(run, event, {
      apply: (id, answer) => this.applyStallOption(id, answer),
      alternatives: this.alternatives,
      broker: this.broker,
      logger: this.logger,
      isRunning: (id) => this.running.get(id) === run,
    });
    try {
      Promise.resolve(handler.onStall(ctx)).catch((err: unknown) =>
        this.logger.error({ tag: 'STALL_HANDLER_ERROR', ...this.ref(run), err }, 'Stall handler failed'),
      );
    } catch (err) {
      this.logger.error({ tag: 'STALL_HANDLER_ERROR', ...this.ref(run), err }, 'Stall handler failed');
    }
  }

  private makeDecision(req: SwitchProviderRequest, input: FallbackDecisionInput): FallbackDecision {
    switch (req.reason) {
      case 'USER_REQUEST':
        return this.decisions.createUserRequested(input);
      case 'USER_AFTER_STALL':
        return this.decisions.createUserAfterStall(input);
      case 'PROVIDER_FATAL_ERROR':
        return this.decisions.createProviderFatalError(input);
      case 'DEGRADED':
        return this.decisions.createDegraded({ ...input, userConfirmed: req.userConfirmed ?? false });
      default:
        return this.decisions.createAutomatic(req.reason, input);
    }
  }

  private announce(decision: FallbackDecision): void {
    this.logger.info(
      {
        tag: decision.userConfirmed ? 'USER_FALLBACK_INITIATED' : 'FALLBACK_DECISION_RECORDED',
        jobId: decision.jobId,
        correlationId: decision.correlationId,
        fromProvider: decision.fromProvider,
        toProvider: decision.toProvider,
        reason: decision.reason,
        decisionId: decision.id,
      },
      `Fallback ${decision.fromProvider} → ${decision.toProvider} (${decision.reason})`,
    );
    this.emitter.emit({
      type: 'fallback-decision',
      jobId: decision.jobId,
      timestamp: decision.timestamp,
      correlationId: decision.correlationId,
      decision,
    });
  }

  private notOverrideable(lock: PrimaryProviderLock, toProvider: string): ReelayError {
    return new ReelayError(
      'REELAY_ERR_CONFLICT',
      `Job ${lock.jobId} is locked to ${lock.providerName} without override; it cannot switch to ` +
        `${toProvider}. Release the lock first if the switch is intended.`,
      { provider: lock.providerName, correlationId: lock.correlationId },
    );
  }

  private canceledError(run: RunningOperation, reason: unknown): ReelayError {
    if (ReelayError.isInstance(reason)) return reason;
    return new ReelayError(
      'REELAY_ERR_CANCELED',
      `The ${run.providerName} call on stage "${run.stage}" of job ${run.jobId} was canceled by the caller`,
      { cause: reason, provider: run.providerName, stage: run.stage, correlationId: run.correlationId },
    );
  }

  private ref(run: RunningOperation) {
    return {
      jobId: run.jobId,
      correlationId: run.correlationId,
      provider: run.providerName,
      providerType: run.providerType,
      stage: run.stage,
      operationId: run.operationId,
    };
  }

  private iso(): string {
    return new Date(this.clock.now()).toISOString();
  }
}
