import type { ResolvedTimeoutProfile } from '../config/timeout-profile-schema.js';
import { type AbortSubscriber, subscribeAbort, unsubscribeAbort } from '../domain/abort-fanout.js';
import { type CallIdentity, noHeartbeat } from '../domain/call-context.js';
import { ReelayError } from '../domain/errors.js';
import type { FallbackPolicy } from '../domain/fallback.js';
import type { Heartbeat, HeartbeatFn } from '../domain/heartbeat.js';
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
import { MonitoredEntry } from './stall-detector.js';
import type { StallHandler } from './stall-handlers.js';

/**
 * One running attempt of a patient call, as one object: the {@link RunningOperation} the gateway
 * tracks, which is also its own stall-detector entry and heartbeat tracker ({@link MonitoredEntry}),
 * plus the steps of its life (start, heartbeat, complete, fail, clean up). Kept lean because
 * thousands run at once: no AbortSignal until someone reads it or the call is aborted, no event or
 * log record built that nobody would receive, nothing of the request kept beyond what it needs, one
 * promise and one reaction per call (the run settles its own promise), one context handed to the
 * operation, and the caller's signal heard through one shared listener per signal
 * ({@link subscribeAbort}), not one per call.
 */
export class PatientRun<T> extends MonitoredEntry implements RunningOperation, AbortSubscriber {
  readonly policy: FallbackPolicy | undefined;
  readonly stallHandler: StallHandler | undefined;
  lastHeartbeatEventAt: number;
  aborted: boolean;
  private readonly host: PatientCallHost;
  private readonly attempt: number;
  private readonly callerSignal: AbortSignal | undefined;
  /** The heartbeat of the pipeline context around patience, told of progress first. */
  private readonly outerBeat: HeartbeatFn | undefined;
  private ac: AbortController | undefined;
  private stopPoller: (() => void) | undefined;
  /** The operation's promise once started. */
  private working: Promise<T> | undefined;
  /** 0 running, 1 interrupted (settling with the abort reason), 2 settled. */
  private phase: 0 | 1 | 2;
  private resolve: ((value: T) => void) | undefined;
  private reject: ((reason: unknown) => void) | undefined;

  constructor(
    host: PatientCallHost,
    req: ExecuteRequest<T>,
    providerType: ProviderType,
    profile: ResolvedTimeoutProfile,
    operationId: string,
  ) {
    super(
      {
        operationId,
        jobId: req.jobId,
        providerName: req.providerName,
        providerType,
        stage: req.stage,
        correlationId: req.correlationId,
        profile,
        heartbeatKind: req.heartbeatStrategy?.kind ?? req.heartbeatKind ?? 'none',
      },
      host.clock.now(),
    );
    this.host = host;
    this.policy = req.fallbackPolicy;
    this.stallHandler = req.stallHandler;
    this.attempt = req.attempt ?? 1;
    const outerBeat = req.context?.heartbeat;
    this.outerBeat = outerBeat === noHeartbeat ? undefined : outerBeat;
    this.callerSignal = req.signal;
    this.lastHeartbeatEventAt = Number.NEGATIVE_INFINITY;
    this.aborted = false;
    this.ac = undefined;
    this.stopPoller = undefined;
    this.working = undefined;
    this.phase = 0;
    this.resolve = undefined;
    this.reject = undefined;
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
    const outer = req.context;
    const ctx = new OperationContext(
      this,
      this.beat.bind(this),
      outer?.call ?? identityOf(req),
      this.attempt,
      host.clock,
      outer,
    );
    host.detector.watch(this);
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
    const { operation } = req;
    return new Promise<T>((resolve, reject) => this.begin(resolve, reject, operation, ctx));
  }

  private begin(
    resolve: (value: T) => void,
    reject: (reason: unknown) => void,
    operation: (ctx: ProviderCallContext) => Promise<T>,
    ctx: OperationContext,
  ): void {
    this.resolve = resolve;
    this.reject = reject;
    const signal = this.callerSignal;
    if (signal) {
      if (signal.aborted) this.onAbort(signal.reason);
      else subscribeAbort(signal, this);
    }
    if (this.aborted) {
      // Aborted before it started (caller signal, or a listener of request-start): not started.
      this.interrupt(this.controller.signal.reason);
      return;
    }
    const working = this.work(operation, ctx);
    this.working = working;
    this.watch(working);
  }

  /** Its own function so that the two handlers keep only the run alive, nothing of the request. */
  private watch(working: Promise<T>): void {
    working.then(
      (value) => this.succeeded(value),
      (error: unknown) => {
        if (this.phase === 0) this.settleFailed(error);
      },
    );
  }

  /** A pushed or polled heartbeat: first to the pipeline around patience, then to the monitor. */
  private beat(beat: Heartbeat): void {
    this.outerBeat?.(beat);
    onHeartbeat(this.host, this, beat);
  }

  /** The caller's signal aborted: the call is canceled. */
  onAbort(reason: unknown): void {
    abortRun(this, canceledError(this, reason));
  }

  /**
   * Settles with the abort reason — at once, or after the operation has stopped (at most
   * `interruptGraceMs`), so that a cancel reported done means the work is really gone. A result
   * arriving after the interrupt is never a success. Does nothing once the call has settled.
   */
  interrupt(reason: unknown): void {
    if (this.phase !== 0 || this.reject === undefined) return;
    this.phase = 1;
    const working = this.working;
    const graceMs = this.host.interruptGraceMs ?? 0;
    if (working === undefined || graceMs <= 0) {
      this.settleFailed(reason);
      return;
    }
    const { clock } = this.host;
    const grace = clock.setTimeout(() => this.settleFailed(reason), graceMs);
    const stopped = (): void => {
      clock.clearTimeout(grace);
      this.settleFailed(reason);
    };
    working.then(stopped, stopped);
  }

  private work(operation: (ctx: ProviderCallContext) => Promise<T>, ctx: OperationContext): Promise<T> {
    try {
      return Promise.resolve(operation(ctx));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The operation resolved (ignored once interrupted). */
  private succeeded(value: T): void {
    const { resolve, reject } = this;
    if (this.phase !== 0 || resolve === undefined || reject === undefined) return;
    this.phase = 2;
    let outcome: T;
    try {
      outcome = this.complete(value);
    } catch (error) {
      reject(error);
      return;
    }
    resolve(outcome);
  }

  /** The operation rejected, or the call was interrupted with `caught` (settles once). */
  private settleFailed(caught: unknown): void {
    const { reject } = this;
    if (this.phase === 2 || reject === undefined) return;
    this.phase = 2;
    try {
      this.fail(caught);
    } catch (error) {
      reject(error);
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
    this.phase = 2;
    this.resolve = undefined;
    this.reject = undefined;
    this.working = undefined;
    if (this.callerSignal) unsubscribeAbort(this.callerSignal, this);
    host.detector.drop(this);
    host.broker.withdrawForOperation(this.operationId, 'the provider call ended');
  }
}

/** The call identity of a request made outside the call pipeline. */
function identityOf(req: ExecuteRequest<unknown>): CallIdentity {
  return { jobId: req.jobId, stage: req.stage, provider: req.providerName, correlationId: req.correlationId };
}
