import { type Clock, systemClock, type TimerHandle } from '../domain/clock.js';
import { type Disposable, TypedEmitter } from '../domain/disposable.js';
import { ReelayError } from '../domain/errors.js';
import type { Heartbeat } from '../domain/heartbeat.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import { DeadlineQueue } from './deadline-queue.js';
import type { HeartbeatResult } from './heartbeat-tracker.js';
import { type Evaluation, MonitoredEntry, type MonitorInput, type ProviderState } from './provider-state.js';

export { MonitoredEntry } from './provider-state.js';

import { publishEvaluation, type StallDetectorEvent } from './stall-events.js';

export type { StallDetectorEvent } from './stall-events.js';

/** Options of {@link StallDetector}. */
export interface StallDetectorOptions {
  /** Source of time and timers. @default systemClock */
  clock?: Clock;
  /** Receives errors thrown by listeners. @default silentLogger */
  logger?: Logger;
  /**
   * The numeric key of an operation id, for entries keyed by number (the gateway's calls; see
   * `MonitoredOperation.key`), or undefined. @default none (every key is the id itself)
   */
  keyOf?: (operationId: string) => number | undefined;
}

/**
 * Watches many provider calls with ONE timer for all of them: each call sits in a queue at its
 * next deadline (the next category boundary or the stall deadline), and the detector's timer is
 * armed at the earliest one. A heartbeat only updates fields, so a 1 000-token stream causes no
 * timer churn. When the timer fires the detector recomputes every call that is due, re-queues them
 * and re-arms. Calls due at the same millisecond are handled in the order they were queued.
 * Emits `latency-category-changed` on every change, `stall-suspected` once per stall episode, and
 * `stall-cleared` when progress resumes. It never switches providers.
 *
 * @example
 * const detector = new StallDetector();
 * detector.on('stall-suspected', (e) => console.log(`${e.provider} stalled`));
 * detector.monitor({ operationId: 'op_1', jobId: 'job_1', providerName: 'Ollama',
 *   providerType: 'local_llm', stage: 'script', correlationId: 'c1',
 *   profile: loader.getProfileForProvider('Ollama'), heartbeatKind: 'token_count' });
 * detector.heartbeat('op_1', { tokens: 10 });
 * detector.stop('op_1');
 */
export class StallDetector<E extends MonitoredEntry = MonitoredEntry> {
  private readonly clock: Clock;
  private readonly ops = new Map<string | number, E>();
  private readonly keyOf: ((operationId: string) => number | undefined) | undefined;
  private readonly queue = new DeadlineQueue<E>();
  /** Abort listeners of calls monitored with a signal, to remove when they stop. */
  private readonly detachers = new Map<string, () => void>();
  private readonly emitter: TypedEmitter<StallDetectorEvent>;
  /** The one armed timer, and the epoch ms it fires at. */
  private timer: TimerHandle | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  /**
   * Deadlines are queued as ms after this instant (when the first call was queued): small
   * integers stay unboxed in every queued call, where epoch ms would be a heap number each.
   */
  private epoch: number | undefined;
  /** True while the timer's callback runs: it re-arms once at the end. */
  private firing = false;
  private readonly onTimer = (): void => this.fire();

  constructor(options: StallDetectorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.keyOf = options.keyOf;
    this.epoch = undefined;
    const logger = options.logger ?? silentLogger;
    this.emitter = new TypedEmitter((error) =>
      logger.error({ tag: 'STALL_DETECTOR_LISTENER_ERROR', err: error }, 'A stall listener threw'),
    );
  }

  /**
   * Starts watching a call. When `signal` aborts, monitoring stops (no timers are left).
   * @throws ReelayError `REELAY_ERR_CONFLICT` when the operation id is already monitored.
   */
  monitor(input: MonitorInput, signal?: AbortSignal): void {
    if (this.ops.has(input.operationId)) {
      throw new ReelayError('REELAY_ERR_CONFLICT', `Operation ${input.operationId} is already monitored`);
    }
    if (signal?.aborted) return;
    const now = this.clock.now();
    // Only the gateway watches subclasses (with `watch`); a plain entry is what `monitor` adds.
    const entry = new MonitoredEntry(input, now) as E;
    this.ops.set(input.operationId, entry);
    if (signal) {
      const onAbort = (): void => {
        this.stop(input.operationId);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.detachers.set(input.operationId, () => signal.removeEventListener('abort', onAbort));
    }
    this.arm(entry, now);
  }

  /**
   * Starts watching a call that is its own entry (the gateway's running calls): no second object
   * per call. @throws ReelayError `REELAY_ERR_CONFLICT` when the operation id is already monitored.
   */
  watch(entry: E): void {
    if (this.ops.has(entry.key)) {
      throw new ReelayError('REELAY_ERR_CONFLICT', `Operation ${entry.operationId} is already monitored`);
    }
    this.ops.set(entry.key, entry);
    this.arm(entry, this.clock.now());
  }

  /** The monitored entry of `operationId`, or undefined. */
  get(operationId: string): E | undefined {
    const entry = this.ops.get(operationId);
    if (entry !== undefined || this.keyOf === undefined) return entry;
    const key = this.keyOf(operationId);
    return key === undefined ? undefined : this.ops.get(key);
  }

  /** Whether `entry` is monitored (by this detector, as itself). */
  has(entry: E): boolean {
    return this.ops.get(entry.key) === entry;
  }

  /** Records a heartbeat; returns undefined when the operation is not monitored. */
  heartbeat(operationId: string, beat: Heartbeat): HeartbeatResult | undefined {
    const entry = this.get(operationId);
    if (!entry) return undefined;
    const progressed = this.beat(entry, beat);
    return { progressed, heartbeatCount: entry.heartbeatCount };
  }

  /**
   * Records a heartbeat of a watched entry; true when it showed progress. The caller knows the
   * entry is monitored (no lookup, no result object).
   */
  beat(entry: E, beat: Heartbeat): boolean {
    const now = this.clock.now();
    const progressed = entry.recordBeat(beat, now);
    // Outside a stall, progress only moves the stall deadline later: the armed timer fires early,
    // recomputes and re-arms. Inside a stall the deadline may move earlier than the armed timer.
    if (progressed && entry.inStall) {
      this.publish(entry, entry.evaluate(now), now, true);
      this.arm(entry, now);
    }
    return progressed;
  }

  /**
   * Suppresses stall reports for `ms` (continue_30s / continue_5m). An open stall episode ends
   * (the category returns to the elapsed-time one); if there is still no progress when the window
   * ends, a new stall episode is reported. @returns false when the operation is not monitored.
   */
  suppress(operationId: string, ms: number): boolean {
    const entry = this.get(operationId);
    if (!entry) return false;
    const now = this.clock.now();
    entry.suppressedUntil = Math.max(entry.suppressedUntil, now + Math.max(0, ms));
    this.publish(entry, entry.evaluate(now), now, false);
    this.arm(entry, now);
    return true;
  }

  /** Marks a hard failure: the category becomes Error and the timer stops. */
  markError(operationId: string): void {
    const entry = this.get(operationId);
    if (!entry) return;
    const now = this.clock.now();
    entry.failed = true;
    this.publish(entry, entry.evaluate(now), now, false);
    this.unqueue(entry);
  }

  /** Stops watching a call; returns its final state. Safe to call twice. */
  stop(operationId: string): ProviderState | undefined {
    const entry = this.get(operationId);
    if (!entry) return undefined;
    this.ops.delete(entry.key);
    this.unqueue(entry);
    if (this.detachers.size > 0) {
      this.detachers.get(operationId)?.();
      this.detachers.delete(operationId);
    }
    return entry.snapshot(this.clock.now());
  }

  /** Stops watching a call without building its final state (the gateway's fast path). */
  drop(entry: E): void {
    if (this.ops.get(entry.key) !== entry) return;
    this.ops.delete(entry.key);
    this.unqueue(entry);
  }

  /** Stops watching every call. */
  stopAll(): void {
    for (const entry of [...this.ops.values()]) this.stop(entry.operationId);
    this.clearTimer();
  }

  /** The state of a monitored call, or undefined. */
  getState(operationId: string): ProviderState | undefined {
    return this.get(operationId)?.snapshot(this.clock.now());
  }

  /** States of every monitored call. */
  getStates(): ProviderState[] {
    const now = this.clock.now();
    return [...this.ops.values()].map((e) => e.snapshot(now));
  }

  /** Number of monitored calls. */
  get size(): number {
    return this.ops.size;
  }

  /** Listens to one event type. */
  on<T extends StallDetectorEvent['type']>(
    type: T,
    listener: (event: Extract<StallDetectorEvent, { type: T }>) => void,
  ): Disposable {
    return this.emitter.on(type, listener);
  }

  /** Listens to every event. */
  onAny(listener: (event: StallDetectorEvent) => void): Disposable {
    return this.emitter.onAny(listener);
  }

  /** Queues the call at its next deadline (or leaves it out when none) and re-arms the timer. */
  private arm(entry: E, now: number): void {
    const next = entry.nextDeadline(now);
    if (next === undefined) this.queue.remove(entry);
    else {
      if (this.epoch === undefined) this.epoch = now;
      this.queue.push(entry, next - this.epoch);
    }
    this.schedule(now);
  }

  private unqueue(entry: E): void {
    this.queue.remove(entry);
    this.schedule(undefined);
  }

  /**
   * Keeps the timer armed at or before the earliest deadline: an earlier timer is left alone (it
   * fires, finds nothing due and re-arms), so removing calls causes no timer churn. When the last
   * call leaves, the timer stays armed too (it fires once, finds nothing and ends): calls that
   * follow one another — the usual case — then neither clear nor create a timer each. The clock's
   * timers never keep the process alive ({@link Clock.setTimeout}); {@link stopAll} clears it.
   */
  private schedule(now: number | undefined): void {
    if (this.firing) return;
    const top = this.queue.peek();
    if (top === undefined) return;
    const due = top.deadline + (this.epoch ?? 0);
    if (this.timer !== undefined && this.timerAt <= due) return;
    this.clearTimer();
    this.timerAt = due;
    const delay = due - (now ?? this.clock.now());
    this.timer = this.clock.setTimeout(this.onTimer, Math.max(0, delay));
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  /** The timer fired: recompute every call that is due (listeners may stop or re-queue calls). */
  private fire(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const at = this.clock.now();
    this.firing = true;
    try {
      const epoch = this.epoch ?? 0;
      const dueBy = at - epoch;
      for (let top = this.queue.peek(); top !== undefined && top.deadline <= dueBy; top = this.queue.peek()) {
        this.queue.remove(top);
        if (this.ops.get(top.key) !== top) continue;
        this.publish(top, top.evaluate(at), at, false);
        // A listener may have stopped the call, or re-queued it (suppress) already.
        if (this.ops.get(top.key) !== top || this.queue.has(top)) continue;
        const next = top.nextDeadline(at);
        if (next !== undefined) this.queue.push(top, next - epoch);
      }
    } finally {
      this.firing = false;
    }
    this.schedule(at);
  }

  private publish(entry: E, ev: Evaluation, now: number, progressCleared: boolean): void {
    publishEvaluation(this.emitter, entry, ev, now, progressCleared);
  }
}
