import type { CallContext, CallFn, CallPolicy } from '../domain/call-context.js';
import { type Clock, systemClock } from '../domain/clock.js';
import { type Disposable, TypedEmitter } from '../domain/disposable.js';
import type { ErrorCategory } from '../domain/error-category.js';
import { parseBreakerState } from './breaker-state-schema.js';
import { resolveBreakerThresholds } from './breaker-thresholds.js';
import {
  type BreakerInput,
  type BreakerState,
  type BreakerStateName,
  type BreakerThresholds,
  INITIAL_BREAKER_STATE,
  type OutcomeKind,
  stepBreaker,
} from './circuit-breaker-state.js';
import type {
  BreakerEvent,
  BreakerPermit,
  CallOutcome,
  CircuitBreakerOptions,
} from './circuit-breaker-types.js';
import { CircuitOpenError } from './circuit-open-error.js';
import { classifyError } from './classify-error.js';
import { isLimitRefusal } from './limit-refusal.js';
import { defaultCountsForBreaker } from './recovery-strategies.js';

export type {
  BreakerEvent,
  BreakerPermit,
  BreakerStateChange,
  CallOutcome,
  CircuitBreakerOptions,
} from './circuit-breaker-types.js';

/**
 * A circuit breaker for one provider: stops calling a provider that keeps failing, lets a few
 * probes through after a recovery timeout, and closes again when they succeed. Only failures whose
 * category counts (an outage, not a content refusal) and slow successes count. Manual `open`,
 * `close`, `isolate` for maintenance.
 *
 * Kept instead of a library breaker (opossum, cockatiel): its state is plain serialisable data
 * (`breaker-state-schema.ts`) so it can be persisted and shared between processes, it counts only
 * the error categories that mean an outage, and it reads the injected clock, so tests never sleep.
 *
 * @example
 * const breaker = new CircuitBreaker('openai', { clock });
 * const reply = await breaker.execute((signal) => callOpenAi(signal), signal);
 */
export class CircuitBreaker {
  /** Thresholds in effect. */
  readonly thresholds: Readonly<BreakerThresholds>;
  private current: BreakerState;
  private readonly clock: Clock;
  private readonly counts: (category: ErrorCategory) => boolean;
  private readonly events: TypedEmitter<BreakerEvent>;
  private readonly onTransition: CircuitBreakerOptions['onTransition'];

  constructor(
    readonly provider: string,
    options: CircuitBreakerOptions = {},
  ) {
    const { clock, countsForBreaker, initialState, onListenerError, onTransition, ...thresholds } = options;
    this.onTransition = onTransition;
    this.thresholds = resolveBreakerThresholds(provider, thresholds);
    this.clock = clock ?? systemClock;
    this.counts = countsForBreaker ?? defaultCountsForBreaker;
    this.events = new TypedEmitter<BreakerEvent>(onListenerError);
    this.current = initialState ? parseBreakerState(provider, initialState) : INITIAL_BREAKER_STATE;
  }

  /** The current state (a copy; safe to store). */
  get state(): BreakerState {
    return structuredClone(this.current);
  }

  /** Asks to make a call; an admitted call must report its outcome through `release`. */
  tryAcquire(): BreakerPermit {
    const admission = this.admit();
    if (!admission.ok) return admission;
    return { ok: true, probe: admission.probe, release: (outcome) => admission.settle(this.kindOf(outcome)) };
  }

  /**
   * Runs `fn` through the breaker, timing it on the clock and recording its outcome. A call
   * aborted by `signal` is not held against the provider.
   * @throws CircuitOpenError when the breaker refuses the call; otherwise whatever `fn` throws.
   */
  async execute<T>(fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    const admission = this.admit();
    if (!admission.ok) {
      throw new CircuitOpenError(this.provider, this.current, admission.retryInMs, this.clock.now());
    }
    const startedAt = this.clock.now();
    try {
      const result = await fn(signal ?? new AbortController().signal);
      admission.settle(this.kindOf({ ok: true, durationMs: this.clock.now() - startedAt }));
      return result;
    } catch (error) {
      const durationMs = this.clock.now() - startedAt;
      const category = classifyError(error, { provider: this.provider }).category;
      // A refusal by Reelay's own limits (rate limit, bulkhead) never reached the provider.
      const ignored = signal?.aborted === true || isLimitRefusal(error);
      admission.settle(ignored ? 'ignored' : this.kindOf({ ok: false, durationMs, category }));
      throw error;
    }
  }

  /**
   * The breaker as a step of the call pipeline: runs `inner.execute(fn, ctx)` (or `fn(ctx)`) like
   * {@link execute} does, with `ctx.signal`. Lean because every provider call passes here: a closed
   * breaker admits and records a success without a state step, and no async frame is kept per call.
   * @returns rejects with CircuitOpenError when the breaker refuses the call.
   */
  executeCall<T>(inner: CallPolicy | undefined, fn: CallFn<T>, ctx: CallContext): Promise<T> {
    const { signal } = ctx;
    if (signal.aborted) return Promise.reject(signal.reason);
    let probeOf: number | undefined;
    if (this.current.state !== 'closed') {
      // Closed admits every call unchanged; any other state takes the full step.
      const step = this.apply({ type: 'acquire' });
      if (!step.admitted) {
        return Promise.reject(
          new CircuitOpenError(this.provider, this.current, step.retryInMs, this.clock.now()),
        );
      }
      probeOf = step.probeOf;
    }
    const startedAt = this.clock.now();
    let running: Promise<T>;
    try {
      running = Promise.resolve(inner === undefined ? fn(ctx) : inner.execute(fn, ctx));
    } catch (error) {
      running = Promise.reject(error);
    }
    return running.then(
      (value) => {
        this.settleCall(probeOf, startedAt);
        return value;
      },
      (error: unknown) => {
        this.failCall(probeOf, startedAt, error, signal);
        throw error;
      },
    );
  }

  /**
   * True when the breaker is closed: a call is admitted without a state step and, if it ends
   * without a counted failure, leaves the breaker as it is. Lets a composed policy do the
   * breaker's part of a call itself ({@link settleCall} / {@link failCall}, `probeOf` undefined).
   * @internal part of the call pipeline's fast path
   */
  admitsClosed(): boolean {
    return this.current.state === 'closed';
  }

  /** The breaker's clock time, what a call's `startedAt` is read from. @internal */
  now(): number {
    return this.clock.now();
  }

  /**
   * A call admitted at `startedAt` (a half-open probe when `probeOf` is set) succeeded: a slow
   * success counts as a failure. @internal part of the call pipeline's fast path
   */
  settleCall(probeOf: number | undefined, startedAt: number): void {
    this.end(probeOf, this.kindOf({ ok: true, durationMs: this.clock.now() - startedAt }));
  }

  /**
   * A call admitted at `startedAt` failed with `error`: counted by its category, unless `signal`
   * was aborted (we stopped it). @internal part of the call pipeline's fast path
   */
  failCall(probeOf: number | undefined, startedAt: number, error: unknown, signal: AbortSignal): void {
    const durationMs = this.clock.now() - startedAt;
    if (signal.aborted) this.end(probeOf, 'ignored');
    else {
      const category = classifyError(error, { provider: this.provider }).category;
      this.end(probeOf, this.kindOf({ ok: false, durationMs, category }));
    }
  }

  /** Records the outcome of a call that did not go through {@link tryAcquire} (never a probe). */
  recordOutcome(outcome: CallOutcome): void {
    this.apply({ type: 'release', outcome: this.kindOf(outcome) });
  }

  /**
   * True when a call would be refused now: open (until its recovery timeout has elapsed, or for
   * good when opened by hand), isolated, or half-open with every probe slot taken.
   */
  isOpen(): boolean {
    const s = this.current;
    if (s.state === 'isolated') return true;
    if (s.state === 'half_open') return s.inFlight >= this.thresholds.halfOpenMaxCalls;
    if (s.state === 'open')
      return s.manual || this.clock.now() - s.openedAt < this.thresholds.recoveryTimeoutMs;
    return false;
  }

  /** Opens the circuit by hand (e.g. maintenance); it stays open until {@link close}. */
  open(reason: string): void {
    this.apply({ type: 'open', reason });
  }

  /** Closes the circuit and forgets past failures. @default reason 'closed manually' */
  close(reason = 'closed manually'): void {
    this.apply({ type: 'close', reason });
  }

  /** Holds the circuit open and excludes the provider from health probes until {@link close}. */
  isolate(reason: string): void {
    this.apply({ type: 'isolate', reason });
  }

  /** Whether health probes should skip this provider (isolated). */
  isIsolated(): boolean {
    return this.current.state === 'isolated';
  }

  /** Plain, serialisable state. */
  toJSON(): BreakerState {
    return this.state;
  }

  /**
   * Replaces the state with stored state (validated); emits `state-changed` when the name differs.
   * @param reason the reason the change event carries. @default 'restored'
   */
  restore(state: unknown, reason = 'restored'): void {
    const next = parseBreakerState(this.provider, state);
    this.commit(next, reason);
  }

  /** Listens to state changes. */
  on(type: 'state-changed', listener: (event: BreakerEvent) => void): Disposable {
    return this.events.on(type, listener);
  }

  private admit():
    | { ok: true; probe: boolean; settle: (kind: OutcomeKind) => void }
    | { ok: false; retryInMs: number | undefined; state: BreakerStateName } {
    const step = this.apply({ type: 'acquire' });
    if (!step.admitted) return { ok: false, retryInMs: step.retryInMs, state: this.current.state };
    const probeOf = step.probeOf;
    let settled = false;
    const settle = (kind: OutcomeKind): void => {
      if (settled) return;
      settled = true;
      this.apply({ type: 'release', outcome: kind, probeOf });
    };
    return { ok: true, probe: probeOf !== undefined, settle };
  }

  /** Ends a call admitted by {@link executeCall}; a closed breaker is left alone by anything but a failure. */
  private end(probeOf: number | undefined, kind: OutcomeKind): void {
    if (probeOf === undefined && kind !== 'failure' && this.current.state === 'closed') return;
    this.apply({ type: 'release', outcome: kind, probeOf });
  }

  private kindOf(outcome: CallOutcome): OutcomeKind {
    if (outcome.aborted) return 'ignored';
    if (!outcome.ok) return this.counts(outcome.category ?? 'system_error') ? 'failure' : 'ignored';
    return outcome.durationMs >= this.thresholds.slowCallThresholdMs ? 'failure' : 'success';
  }

  private apply(input: BreakerInput): ReturnType<typeof stepBreaker> {
    const before = this.current;
    const now = this.clock.now();
    const step = stepBreaker(before, input, now, this.thresholds);
    this.commit(step.state, step.reason ?? input.type);
    if (step.state !== before) this.onTransition?.(input, step.state, now);
    return step;
  }

  private commit(next: BreakerState, reason: string): void {
    const from = this.current.state;
    this.current = next;
    if (from !== next.state) {
      this.events.emit({
        type: 'state-changed',
        provider: this.provider,
        from,
        to: next.state,
        reason,
        at: this.clock.now(),
      });
    }
  }
}
