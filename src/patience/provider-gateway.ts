import type { CallFn, CallSettler } from '../domain/call-context.js';
import type { Disposable } from '../domain/disposable.js';
import type { FallbackDecision } from '../domain/fallback.js';
import type { ProviderType } from '../domain/provider-type.js';
import type { AuditTrail } from '../state/audit-trail.js';
import type {
  CarriedDecision,
  DecisionAnswer,
  DecisionAnswerInput,
  DecisionBroker,
  DecisionHandle,
  DecisionRequest,
  PendingDecision,
} from './decision-broker.js';
import type { FallbackRecorder } from './fallback-recorder.js';
import { createGatewayParts } from './gateway-parts.js';
import type {
  ExecuteRequest,
  GatewayEvent,
  GatewayStatistics,
  LockProviderOptions,
  ProviderGatewayOptions,
  SwitchProviderRequest,
} from './gateway-types.js';
import type { ListenedEmitter } from './listened-emitter.js';
import { type PatientCallHost, runPatientCall } from './patient-call.js';
import type { RunningEntry } from './patient-call-host.js';
import type { LockValidation, PrimaryProviderLock } from './primary-provider-lock.js';
import type { ProviderLockRegistry } from './provider-lock-registry.js';
import type { ProviderState } from './provider-state.js';
import { ProviderSwitchRequestedError } from './provider-switch-error.js';
import type { StallDetector } from './stall-detector.js';
import { type AutomaticStallSwitch, applyStallOptionToRun, type StallOptionDeps } from './stall-options.js';

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
  private readonly audit: AuditTrail;
  private readonly emitter: ListenedEmitter<GatewayEvent>;
  private readonly detector: StallDetector<RunningEntry>;
  private readonly broker: DecisionBroker;
  private readonly locks: ProviderLockRegistry;
  private readonly recorder: FallbackRecorder;
  private readonly stallOptionDeps: StallOptionDeps;
  private readonly callHost: PatientCallHost;

  constructor(options: ProviderGatewayOptions) {
    const parts = createGatewayParts(options);
    this.audit = options.audit;
    this.emitter = parts.emitter;
    this.detector = parts.detector;
    this.broker = parts.broker;
    this.locks = parts.locks;
    this.recorder = parts.recorder;
    this.stallOptionDeps = parts.stallOptionDeps;
    this.callHost = parts.callHost;
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
  executeWithPatience<T>(req: ExecuteRequest<T>): Promise<T> {
    return runPatientCall(this.callHost, req);
  }

  /**
   * {@link executeWithPatience} on the call pipeline's fast path (`req.context` set): `settler` is
   * told synchronously when the call ends (handed `fn`: by default the operation) and the promise
   * settles as {@link CallPolicy.executeSettled} says. @internal used by the patience policy
   */
  executeSettled<T>(req: ExecuteRequest<T>, settler: CallSettler, at: number, fn?: CallFn<T>): Promise<T> {
    return runPatientCall(this.callHost, req, settler, at, fn);
  }

  /**
   * Records a fallback decision in the audit trail and ends the job's lock on `fromProvider`
   * (a switch needs a new lock: use {@link switchProvider} to do both in one step).
   * @throws ReelayError `REELAY_ERR_CONFLICT` when the lock is not overrideable.
   */
  async recordFallbackDecision(decision: FallbackDecision): Promise<void> {
    await this.recorder.record(decision);
  }

  /**
   * Records the decision AND moves the job's lock to `toProvider` in one step.
   * @throws ReelayError `REELAY_ERR_CONFLICT` when the lock is not overrideable,
   * `REELAY_ERR_VALIDATION` when there is neither a lock nor `fromProvider`.
   */
  switchProvider(
    req: SwitchProviderRequest,
  ): Promise<{ decision: FallbackDecision; lock: PrimaryProviderLock | undefined }> {
    return this.recorder.switchProvider(req);
  }

  /** Opens a pending decision (`decision-required`); see {@link DecisionBroker.request}. */
  requestDecision(req: DecisionRequest): DecisionHandle {
    return this.broker.request(req);
  }

  /** Answers the job's pending decision; see {@link DecisionBroker.answer}. */
  answerDecision(jobId: string, answer: DecisionAnswerInput): DecisionAnswer {
    return this.broker.answer(jobId, answer);
  }

  /** Carries over a decision a dead attempt of the job left open; see {@link DecisionBroker.carryOver}. */
  carryOverDecision(jobId: string, prior: CarriedDecision): void {
    this.broker.carryOver(jobId, prior);
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
  async applyStallOption(
    operationId: string,
    answer: DecisionAnswerInput,
    automatic?: AutomaticStallSwitch,
  ): Promise<boolean> {
    const run = this.detector.get(operationId);
    if (!run) return false;
    return applyStallOptionToRun(this.stallOptionDeps, run, answer, automatic);
  }

  /** Withdraws the job's pending decision, if any (the job ended or was canceled). */
  withdrawDecisions(jobId: string, reason: string): void {
    this.broker.withdrawForJob(jobId, reason);
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
      activeOperations: this.detector.size,
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
}
