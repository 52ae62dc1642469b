import type { ResolvedTimeoutProfile } from '../config/timeout-profile-schema.js';
import { type AbortSubscriber, subscribeAbort, unsubscribeAbort } from '../domain/abort-fanout.js';
import { type CallFn, type CallSettler, noHeartbeat } from '../domain/call-context.js';
import type { Heartbeat } from '../domain/heartbeat.js';
import type { ProviderCallContext } from '../domain/provider.js';
import type { ProviderType } from '../domain/provider-type.js';
import type { ExecuteRequest } from './gateway-types.js';
import { startHeartbeatPoller } from './heartbeat-poller.js';
import { OperationContext } from './operation-context.js';
import type { PatientCallHost } from './patient-call-host.js';
import { PatientRunState } from './patient-run-state.js';
import { onHeartbeat } from './run-heartbeat.js';
import { reportComplete, reportHardError, reportStart } from './run-reports.js';
import { rejectThrough, settleFailure } from './run-settlement.js';
import { abortRun, canceledError, isInterruption, type RunningOperation } from './running-operation.js';

/**
 * One running attempt of a patient call, as one object: the {@link RunningOperation} the gateway
 * tracks, which is also its own stall-detector entry and heartbeat tracker (what it knows:
 * {@link PatientRunState}), plus the steps of its life (start, heartbeat, complete, fail, clean up). Kept lean because
 * thousands run at once: no AbortSignal until someone reads it or the call is aborted, no event or
 * log record built that nobody would receive, nothing of the request kept beyond what it needs, one
 * promise and one reaction per call (the run settles its own promise), one context handed to the
 * operation, and the caller's signal heard through one shared listener per signal
 * ({@link subscribeAbort}), not one per call. Inside the call pipeline's fast path its promise is
 * the whole pipeline's: the fused retry-and-breaker step is told synchronously when the call ends
 * (a {@link CallSettler}), and after a failure the promise follows retry's recovery.
 */
export class PatientRun<T> extends PatientRunState implements RunningOperation, AbortSubscriber {
  /**
   * The run's promise's resolve function; it also rejects ({@link rejectThrough}): the reject
   * function is not kept (56 B and a field per pending call).
   */
  private resolve: ((value: T | PromiseLike<T>) => void) | undefined;

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
      host,
      req as ExecuteRequest<unknown>,
      providerType,
      profile,
      operationId,
      settler,
      settlerStartedAt,
      settlerFn as CallFn<unknown> | undefined,
    );
    this.resolve = undefined;
  }

  /**
   * Registers and monitors the call, runs `operation`, and settles with its result — or with the
   * abort reason at once when the call is interrupted (cancel, switch, stall under `off`).
   */
  start(req: ExecuteRequest<T>): Promise<T> {
    const { host } = this;
    const outer = req.context;
    // The request's own attempt and signal (the run keeps them only when they differ from `outer`'s).
    const attempt = req.attempt ?? 1;
    const ctx = new OperationContext(this, this.beat.bind(this), this.call, attempt, host.clock, outer);
    host.detector.watch(this);
    if (req.heartbeatStrategy) {
      this.more().stopPoller = startHeartbeatPoller(
        host.clock,
        req.heartbeatStrategy,
        this.profile.heartbeatIntervalMs,
        ctx.heartbeat,
        host.logger,
      );
    }
    reportStart(host, this, attempt);
    const { operation } = req;
    const { signal } = req;
    return new Promise<T>((resolve) => this.begin(resolve, operation, ctx, signal));
  }

  private begin(
    resolve: (value: T | PromiseLike<T>) => void,
    operation: (ctx: ProviderCallContext) => Promise<T>,
    ctx: OperationContext,
    signal: AbortSignal | undefined,
  ): void {
    this.resolve = resolve;
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
    // Kept only while an interrupt grace may wait for the operation to stop.
    if ((this.host.interruptGraceMs ?? 0) > 0) this.more().working = working;
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
    if (this.phase !== 0 || this.resolve === undefined) return;
    this.phase = 1;
    const working = this.rare?.working;
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
    const { resolve } = this;
    if (this.phase !== 0 || resolve === undefined) return;
    this.phase = 2;
    let outcome: T;
    try {
      outcome = this.complete(value);
    } catch (error) {
      this.settleRejected(resolve, error);
      return;
    }
    const { settler, outer } = this;
    const fn = this.fn as CallFn<T> | undefined;
    if (settler === undefined || outer === undefined || fn === undefined) {
      resolve(outcome);
      return;
    }
    try {
      resolve(settler.callSucceeded(outcome, fn, outer, this.settlerStartedAt));
    } catch (error) {
      rejectThrough(resolve, error);
    }
  }

  /** The operation rejected, or the call was interrupted with `caught` (settles once). */
  private settleFailed(caught: unknown): void {
    const { resolve } = this;
    if (this.phase === 2 || resolve === undefined) return;
    this.phase = 2;
    try {
      this.fail(caught);
    } catch (error) {
      this.settleRejected(resolve, error);
    }
  }

  /** Settles with the call's failure, or on the pipeline's fast path as its settler says. */
  private settleRejected(resolve: (value: T | PromiseLike<T>) => void, error: unknown): void {
    const { settler, outer } = this;
    const fn = this.fn as CallFn<T> | undefined;
    if (settler === undefined || outer === undefined || fn === undefined) rejectThrough(resolve, error);
    else settleFailure(settler, this.settlerStartedAt, fn, outer, resolve, error);
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
      const ac = this.createdController;
      const error: unknown = ac?.signal.aborted ? ac.signal.reason : caught;
      if (!isInterruption(error)) reportHardError(this.host, this, this.attempt, error);
      throw error;
    } finally {
      this.cleanUp();
    }
  }

  private cleanUp(): void {
    const { host, rare } = this;
    if (rare !== undefined) {
      rare.stopPoller?.();
      rare.working = undefined;
    }
    this.phase = 2;
    this.resolve = undefined;
    const signal = this.callerSignal;
    if (signal) unsubscribeAbort(signal, this);
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
