import type { Clock } from './clock.js';
import type { AttemptRecord } from './events.js';
import type { FallbackPolicy } from './fallback.js';
import type { HeartbeatFn, HeartbeatKind } from './heartbeat.js';
import type { Usage } from './provider.js';
import type { ProviderType } from './provider-type.js';

/**
 * Who a provider call belongs to. Declared once here; every layer names these four facts the
 * same way (`provider` is the provider id, never `providerName`).
 */
export interface CallIdentity {
  readonly jobId: string;
  readonly stage: string;
  /** Provider id, e.g. `openai`. */
  readonly provider: string;
  readonly correlationId: string;
}

/** What the policies of a call may know about the provider and the request beyond the identity. */
export interface CallProfile {
  /** Timeout-profile type of the provider (patience thresholds). */
  readonly providerType?: ProviderType;
  /** How the provider reports progress. @default 'none' */
  readonly heartbeatKind?: HeartbeatKind;
  /** The job's fallback policy (chooses how a stall is handled). */
  readonly fallbackPolicy?: FallbackPolicy;
  /** Units of work the request is expected to consume (the budget check prices them). */
  readonly estimatedUsage?: Usage;
}

/** Observes the retries of one call (the router records them in the stage's audit trail). */
export interface CallObserver {
  /** After each failed attempt. */
  onAttemptFailed?(record: AttemptRecord): void;
  /** Before each wait for a retry. */
  onRetryScheduled?(retry: { attempt: number; delayMs: number; category: AttemptRecord['category'] }): void;
  /**
   * The call was stopped by a decision (a switch or a cancel), not by a provider failure. The
   * owner of the call's signal aborts it, so retry, breaker and measuring do not count the stop.
   */
  onInterrupted?(reason: unknown): void;
}

/**
 * The one context every call policy sees. A policy passes it on unchanged or derives a new one
 * (retry sets `attempt`, patience replaces `signal` and `heartbeat`); it never mutates it.
 */
export interface CallContext {
  readonly call: CallIdentity;
  /** Aborted when the call must stop (cancel, switch, timeout). */
  readonly signal: AbortSignal;
  /** Attempt number on this provider, from 1. */
  readonly attempt: number;
  /** Push progress; the patience policy tells slow from stalled with it. */
  readonly heartbeat: HeartbeatFn;
  readonly clock: Clock;
  readonly profile?: CallProfile;
  readonly observer?: CallObserver;
}

/** The work a pipeline runs: one provider call under one context. */
export type CallFn<T> = (ctx: CallContext) => Promise<T>;

/**
 * One resilience concern (budget, breaker, retry, patience, timeout) around a call. Policies
 * compose with `wrap(...)` in `resilience/call-policy.ts`; the order is written there once.
 */
export interface CallPolicy {
  /** Runs `fn` under this policy; resolves with its value or rejects with the call's failure. */
  execute<T>(fn: CallFn<T>, ctx: CallContext): Promise<T>;
  /**
   * Optional fast path for composition: the same as `execute((c) => inner.execute(fn, c), ctx)`,
   * without building that closure for every call. `wrap(...)` uses it when a policy has it.
   */
  executeInner?<T>(inner: CallPolicy, fn: CallFn<T>, ctx: CallContext): Promise<T>;
  /**
   * Optional fast path for the policy directly around this one (retry and breaker fused): runs
   * `fn` like {@link execute} and, when the call ends, tells `settler` synchronously and settles
   * the returned promise with what the settler returns — `settler.callSucceeded` (the value) after
   * a success, `settler.callFailed` (a recovery) after a failure — so that the outer policy needs
   * no continuation of its own. The same as
   * `execute(fn, ctx).then((v) => settler.callSucceeded(v, fn, ctx, at), (e) => settler.callFailed(e, fn, ctx, at))`.
   * @internal part of the call pipeline's fast path
   */
  executeSettled?<T>(fn: CallFn<T>, ctx: CallContext, settler: CallSettler, startedAt: number): Promise<T>;
  /**
   * Optional fast path for a policy on the fast path that wraps another (measuring, patience):
   * the same as `executeInner(inner, fn, ctx).then((v) => settler.callSucceeded(v, fn, ctx, at),
   * (e) => settler.callFailed(e, fn, ctx, at))` — without a continuation of its own when the policy
   * settles the call itself (patience) or hands `inner`'s {@link executeSettled} a settler of its own
   * that does its work and then tells `settler` (measuring). `wrap(...)` gives the wrapped pair an
   * {@link executeSettled} that calls it. @internal part of the call pipeline's fast path
   */
  executeInnerSettled?<T>(
    inner: CallPolicy,
    fn: CallFn<T>,
    ctx: CallContext,
    settler: CallSettler,
    startedAt: number,
  ): Promise<T>;
}

/**
 * Told synchronously by a policy's {@link CallPolicy.executeSettled} when the call ends (the
 * fused retry-and-breaker step). `startedAt` is the value the settler was given, passed back.
 * @internal part of the call pipeline's fast path
 */
export interface CallSettler {
  /**
   * The call succeeded with `value`: the settler's accounting, and what the call settles with
   * (`value`, or a recovery when the settler turns the success into a failure). A throw makes the
   * call reject with it.
   */
  callSucceeded<T>(value: T, fn: CallFn<T>, ctx: CallContext, startedAt: number): T | Promise<T>;
  /** The call failed with `error`: the settler's accounting, and what the call settles with instead. */
  callFailed<T>(error: unknown, fn: CallFn<T>, ctx: CallContext, startedAt: number): Promise<T>;
}

/** The heartbeat of a call nobody monitors (policies may skip forwarding to it). */
export const noHeartbeat: HeartbeatFn = () => {};

/** A context for `identity` with attempt 1 and no-op heartbeat; for callers outside the router. */
export function createCallContext(
  call: CallIdentity,
  options: {
    signal: AbortSignal;
    clock: Clock;
    heartbeat?: HeartbeatFn;
    profile?: CallProfile;
    observer?: CallObserver;
  },
): CallContext {
  return {
    call,
    signal: options.signal,
    attempt: 1,
    heartbeat: options.heartbeat ?? noHeartbeat,
    clock: options.clock,
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.observer ? { observer: options.observer } : {}),
  };
}
