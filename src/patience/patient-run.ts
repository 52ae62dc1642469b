import type { ResolvedTimeoutProfile } from '../config/timeout-profile-schema.js';
import { type AbortSubscriber, subscribeAbort, unsubscribeAbort } from '../domain/abort-fanout.js';
import { type CallContext, type CallFn, type CallSettler, noHeartbeat } from '../domain/call-context.js';
import type { FallbackPolicy } from '../domain/fallback.js';
import type { Heartbeat } from '../domain/heartbeat.js';
import type { ProviderCallContext } from '../domain/provider.js';
import type { ProviderType } from '../domain/provider-type.js';
import type { ExecuteRequest } from './gateway-types.js';
import { startHeartbeatPoller } from './heartbeat-poller.js';
import { OperationContext } from './operation-context.js';
import type { PatientCallHost } from './patient-call-host.js';
import { onHeartbeat } from './run-heartbeat.js';
import { reportComplete, reportHardError, reportStart } from './run-reports.js';
import { settleFailure } from './run-settlement.js';
import {
  abortRun,
  canceledError,
  identityOf,
  isInterruption,
  NO_HEARTBEAT_EVENT,
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
 * ({@link subscribeAbort}), not one per call. Inside the call pipeline's fast path its promise is
 * the whole pipeline's: the fused retry-and-breaker step is told synchronously when the call ends
 * (a {@link CallSettler}), and after a failure the promise follows retry's recovery.
 */
export class PatientRun<T> extends MonitoredEntry implements RunningOperation, AbortSubscriber {
  readonly policy: FallbackPolicy | undefined;
  readonly stallHandler: StallHandler | undefined;
  lastHeartbeatEventMs: number;
  aborted: boolean;
  private readonly host: PatientCallHost;
  private readonly attempt: number;
  private readonly callerSignal: AbortSignal | undefined;
  /** The pipeline context patience was given (its heartbeat is told of progress first). */
  private readonly outer: CallContext | undefined;
  /** Told when the call ends, before the promise settles (the pipeline's fast path). */
  private readonly settler: CallSettler | undefined;
  /** The settler's start time as ms after `startedAt` (a small integer, unboxed); passed back to it. */
  private readonly settlerOffset: number;
  /** The call's work, kept only for the settler (its recovery after a failure). */
  private readonly fn: CallFn<T> | undefined;
  private ac: AbortController | undefined;
  private stopPoller: (() => void) | undefined;
  /** The operation's promise once started. */
  private working: Promise<T> | undefined;
  /** 0 running, 1 interrupted (settling with the abort reason), 2 settled. */
  private phase: 0 | 1 | 2;
  private resolve: ((value: T | Promise<T>) => void) | undefined;
  private reject: ((reason: unknown) => void) | undefined;

  /** @param operationId the call's id, or the gateway's number for it (formatted when read). */
  constructor(
    host: PatientCallHost,
    req: ExecuteRequest<T>,
    providerType: ProviderType,
    profile: ResolvedTimeoutProfile,
    operationId: string | number,
    settler?: CallSettler,
    settlerStartedAt = 0,
    settlerFn?: CallFn<T>,
  ) {
    super(
      {
        operationId: typeof operationId === 'string' ? operationId : '',
        jobId: req.jobId,
        providerName: req.providerName,
        providerType,
        stage: req.stage,
        correlationId: req.correlationId,
        profile,
        heartbeatKind: req.heartbeatStrategy?.kind ?? req.heartbeatKind ?? 'none',
      },
      host.clock.now(),
      typeof operationId === 'number' ? operationId : undefined,
      req.context?.call ?? identityOf(req),
    );
    this.host = host;
    this.policy = req.fallbackPolicy;
    this.stallHandler = req.stallHandler;
    this.attempt = req.attempt ?? 1;
    this.outer = req.context;
    this.settler = req.context === undefined ? undefined : settler;
    // 0 without a settler: the field only ever holds small integers (no boxed number per run).
    this.settlerOffset = this.settler === undefined ? 0 : settlerStartedAt - this.startedAt;
    this.fn = this.settler === undefined ? undefined : (settlerFn ?? (req.operation as CallFn<T>));
    this.callerSignal = req.signal;
    this.lastHeartbeatEventMs = NO_HEARTBEAT_EVENT;
    this.aborted = false;
    this.ac = undefined;
    this.stopPoller = undefined;
    this.working = undefined;
    this.phase = 0;
    this.resolve = undefined;
    this.reject = undefined;
  }

  protected override formatKey(key: number): string {
    return this.host.operationIds.format(key);
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
    const ctx = new OperationContext(this, this.beat.bind(this), this.call, this.attempt, host.clock, outer);
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
    reportStart(host, this, this.attempt);
    const { operation } = req;
    return new Promise<T>((resolve, reject) => this.begin(resolve, reject, operation, ctx));
  }

  private begin(
    resolve: (value: T | Promise<T>) => void,
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
    const working = work(operation, ctx);
    this.working = working;
    this.watch(working);
  }

  /** The handlers are the run's methods bound to it (no scope object): only the run kept alive. */
  private watch(working: Promise<T>): void {
    working.then(this.succeeded.bind(this), this.rejected.bind(this));
  }

  /** The operation rejected (ignored once interrupted: the interrupt settles). */
  private rejected(error: unknown): void {
    if (this.phase === 0) this.settleFailed(error);
  }

  /** A pushed or polled heartbeat: first to the pipeline around patience, then to the monitor. */
  private beat(beat: Heartbeat): void {
    const outer = this.outer?.heartbeat;
    if (outer !== undefined && outer !== noHeartbeat) outer(beat);
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

  /** The operation resolved (ignored once interrupted). */
  private succeeded(value: T): void {
    const { resolve, reject } = this;
    if (this.phase !== 0 || resolve === undefined || reject === undefined) return;
    this.phase = 2;
    let outcome: T;
    try {
      outcome = this.complete(value);
    } catch (error) {
      this.settleRejected(resolve, reject, error);
      return;
    }
    const { settler, outer, fn } = this;
    if (settler === undefined || outer === undefined || fn === undefined) {
      resolve(outcome);
      return;
    }
    try {
      resolve(settler.callSucceeded(outcome, fn, outer, this.startedAt + this.settlerOffset));
    } catch (error) {
      reject(error);
    }
  }

  /** The operation rejected, or the call was interrupted with `caught` (settles once). */
  private settleFailed(caught: unknown): void {
    const { resolve, reject } = this;
    if (this.phase === 2 || resolve === undefined || reject === undefined) return;
    this.phase = 2;
    try {
      this.fail(caught);
    } catch (error) {
      this.settleRejected(resolve, reject, error);
    }
  }

  /** Settles with the call's failure, or on the pipeline's fast path as its settler says. */
  private settleRejected(
    resolve: (value: T | Promise<T>) => void,
    reject: (reason: unknown) => void,
    error: unknown,
  ): void {
    const { settler, outer, fn } = this;
    if (settler === undefined || outer === undefined || fn === undefined) reject(error);
    else settleFailure(settler, this.startedAt + this.settlerOffset, fn, outer, resolve, reject, error);
  }

  private complete(value: T): T {
    try {
      reportComplete(this.host, this);
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
      if (!isInterruption(error)) reportHardError(this.host, this, this.attempt, error);
      throw error;
    } finally {
      this.cleanUp();
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
    // Every call ends here: the id is not even formatted when no decision is pending.
    if (host.broker.size > 0) host.broker.withdrawForOperation(this.operationId, 'the provider call ended');
  }
}

/** Runs the operation; a synchronous throw becomes a rejection. */
function work<T>(operation: (ctx: ProviderCallContext) => Promise<T>, ctx: OperationContext): Promise<T> {
  try {
    return Promise.resolve(operation(ctx));
  } catch (error) {
    return Promise.reject(error);
  }
}
