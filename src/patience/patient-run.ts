import type { ResolvedTimeoutProfile } from '../config/timeout-profile-schema.js';
import { ReelayError } from '../domain/errors.js';
import type { FallbackPolicy } from '../domain/fallback.js';
import type { HeartbeatFn, HeartbeatKind } from '../domain/heartbeat.js';
import type { ProviderCallContext } from '../domain/provider.js';
import type { ProviderType } from '../domain/provider-type.js';
import type { ExecuteRequest } from './gateway-types.js';
import { startHeartbeatPoller } from './heartbeat-poller.js';
import { logEnabled } from './log-gate.js';
import { OperationContext } from './operation-context.js';
import { hostListens as listens, type PatientCallHost } from './patient-call-host.js';
import { ProviderSwitchRequestedError } from './provider-switch-error.js';
import { onHeartbeat } from './run-heartbeat.js';
import {
  abortRun,
  callRef,
  canceledError,
  hardErrorFacts,
  type RunningOperation,
} from './running-operation.js';
import type { StallHandler } from './stall-handlers.js';

// Each closure is made in its own small function, so it keeps only what it needs alive (not the
// request or the operation), and in return position, where tsx gives it no per-call name property.
function heartbeatOf(host: PatientCallHost, run: RunningOperation): HeartbeatFn {
  return (beat) => onHeartbeat(host, run, beat);
}

function callerAbortOf(run: RunningOperation, signal: AbortSignal): () => void {
  return () => abortRun(run, canceledError(run, signal.reason));
}

/**
 * One running attempt of a patient call, as one object: the {@link RunningOperation} the gateway
 * tracks, plus the steps of its life (start, heartbeat, complete, fail, clean up). Kept lean because
 * thousands run at once: no AbortSignal until someone reads it or the call is aborted, no event or
 * log record built that nobody would receive, nothing of the request kept beyond what it needs.
 */
export class PatientRun<T> implements RunningOperation {
  readonly operationId: string;
  readonly jobId: string;
  readonly providerName: string;
  readonly providerType: ProviderType;
  readonly stage: string;
  readonly correlationId: string;
  readonly policy: FallbackPolicy | undefined;
  readonly stallHandler: StallHandler | undefined;
  readonly startedAt: number;
  readonly profile: ResolvedTimeoutProfile;
  readonly heartbeatKind: HeartbeatKind;
  lastHeartbeatEventAt = Number.NEGATIVE_INFINITY;
  interrupt: ((reason: unknown) => void) | undefined = undefined;
  aborted = false;
  private readonly host: PatientCallHost;
  private readonly attempt: number;
  private readonly callerSignal: AbortSignal | undefined;
  private ac: AbortController | undefined = undefined;
  private onCallerAbort: (() => void) | undefined = undefined;
  private stopPoller: (() => void) | undefined = undefined;

  constructor(
    host: PatientCallHost,
    req: ExecuteRequest<T>,
    providerType: ProviderType,
    profile: ResolvedTimeoutProfile,
    operationId: string,
  ) {
    this.host = host;
    this.operationId = operationId;
    this.jobId = req.jobId;
    this.providerName = req.providerName;
    this.providerType = providerType;
    this.stage = req.stage;
    this.correlationId = req.correlationId;
    this.policy = req.fallbackPolicy;
    this.stallHandler = req.stallHandler;
    this.startedAt = host.clock.now();
    this.profile = profile;
    this.heartbeatKind = req.heartbeatStrategy?.kind ?? req.heartbeatKind ?? 'none';
    this.attempt = req.attempt ?? 1;
    this.callerSignal = req.signal;
  }

  /** The call's controller, created on first use (most calls never abort). */
  get controller(): AbortController {
    if (this.ac === undefined) this.ac = new AbortController();
    return this.ac;
  }

  /**
   * Registers and monitors the call, runs `operation`, and settles with its result — or with the
   * abort reason at once when the call is interrupted (cancel, switch, stall under `off`).
   */
  start(req: ExecuteRequest<T>): Promise<T> {
    const { host } = this;
    const ctx = new OperationContext(this, heartbeatOf(host, this));
    if (this.callerSignal) this.onCallerAbort = callerAbortOf(this, this.callerSignal);
    host.running.set(this.operationId, this);
    host.detector.monitor(this);
    if (req.heartbeatStrategy) {
      this.stopPoller = startHeartbeatPoller(
        host.clock,
        req.heartbeatStrategy,
        this.profile.heartbeatIntervalMs,
        ctx.heartbeat,
        host.logger,
      );
    }
    this.announce();
    return this.run(req.operation, ctx).then(
      (value) => this.complete(value),
      (caught: unknown) => this.fail(caught),
    );
  }

  /**
   * Settles with the operation's outcome — or, once interrupted, with the abort reason: at once, or
   * after the operation has stopped (at most `interruptGraceMs`), so that a cancel reported done
   * means the work is really gone. A result arriving after the interrupt is never a success.
   */
  private run(operation: (ctx: ProviderCallContext) => Promise<T>, ctx: OperationContext): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let working: Promise<T> | undefined;
      let interrupted = false;
      this.interrupt = (reason) => {
        if (interrupted) return;
        interrupted = true;
        const graceMs = this.host.interruptGraceMs ?? 0;
        if (working === undefined || graceMs <= 0) {
          reject(reason);
          return;
        }
        const { clock } = this.host;
        const grace = clock.setTimeout(() => reject(reason), graceMs);
        const stopped = (): void => {
          clock.clearTimeout(grace);
          reject(reason);
        };
        working.then(stopped, stopped);
      };
      const signal = this.callerSignal;
      const onAbort = this.onCallerAbort;
      if (signal && onAbort) {
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      }
      if (this.aborted) return;
      working = this.work(operation, ctx);
      working.then(
        (value) => {
          if (!interrupted) resolve(value);
        },
        (error: unknown) => {
          if (!interrupted) reject(error);
        },
      );
    });
  }

  private work(operation: (ctx: ProviderCallContext) => Promise<T>, ctx: OperationContext): Promise<T> {
    try {
      return Promise.resolve(operation(ctx));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private announce(): void {
    const { host } = this;
    if (logEnabled(host.logger, 'info')) {
      host.logger.info(
        {
          tag: 'PROVIDER_REQUEST_START',
          ...callRef(this),
          attempt: this.attempt,
          heartbeatKind: this.heartbeatKind,
          profile: this.profile.patienceProfile,
        },
        `${this.providerName} call started on ${this.stage}`,
      );
    }
    if (listens(host, 'request-start')) {
      host.emit({
        type: 'request-start',
        ...callRef(this),
        timestamp: new Date(host.clock.now()).toISOString(),
        attempt: this.attempt,
      });
    }
  }

  private complete(value: T): T {
    const { host } = this;
    try {
      const log = logEnabled(host.logger, 'info');
      if (log || listens(host, 'request-complete')) {
        const now = host.clock.now();
        const durationMs = now - this.startedAt;
        const ref = callRef(this);
        if (log) {
          host.logger.info(
            { tag: 'PROVIDER_REQUEST_COMPLETE', ...ref, durationMs },
            `${this.providerName} completed ${this.stage}`,
          );
        }
        host.emit({ type: 'request-complete', ...ref, timestamp: new Date(now).toISOString(), durationMs });
      }
    } catch (error) {
      return this.fail(error);
    }
    this.cleanUp();
    return value;
  }

  private fail(caught: unknown): never {
    try {
      const ac = this.ac;
      const error: unknown = ac?.signal.aborted ? ac.signal.reason : caught;
      const switched = ProviderSwitchRequestedError.isInstance(error);
      const canceled = ReelayError.isInstance(error) && error.code === 'REELAY_ERR_CANCELED';
      if (!switched && !canceled) this.reportHardError(error);
      throw error;
    } finally {
      this.cleanUp();
    }
  }

  private reportHardError(error: unknown): void {
    const { host } = this;
    host.detector.markError(this.operationId);
    const facts = hardErrorFacts(error);
    const ref = callRef(this);
    // A retryable failure (a 500, a timeout) is expected and usually recovered by a retry or a
    // fallback: a warning. Only a failure that cannot be retried is an error.
    const level = facts.retryable ? 'warn' : 'error';
    if (logEnabled(host.logger, level)) {
      host.logger[level](
        {
          tag: 'PROVIDER_HARD_ERROR',
          ...ref,
          attempt: this.attempt,
          category: facts.category,
          retryable: facts.retryable,
          err: error,
        },
        `${this.providerName} failed on ${this.stage}: ${facts.message}`,
      );
    }
    if (listens(host, 'hard-error')) {
      host.emit({
        type: 'hard-error',
        ...ref,
        timestamp: new Date(host.clock.now()).toISOString(),
        ...facts,
        attempt: this.attempt,
      });
    }
  }

  private cleanUp(): void {
    const { host } = this;
    this.stopPoller?.();
    this.interrupt = undefined;
    if (this.onCallerAbort) this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
    host.detector.stop(this.operationId);
    host.running.delete(this.operationId);
    host.broker.withdrawForOperation(this.operationId, 'the provider call ended');
  }
}
