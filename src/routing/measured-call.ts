import type {
  CallContext,
  CallFn,
  CallIdentity,
  CallObserver,
  CallProfile,
  CallSettler,
} from '../domain/call-context.js';
import type { Clock } from '../domain/clock.js';
import type { Heartbeat, HeartbeatFn } from '../domain/heartbeat.js';
import type { Provider } from '../domain/provider.js';
import { classifyError } from '../resilience/classify-error.js';
import { isLimitRefusal } from '../resilience/limit-refusal.js';
import type { CallRecorder } from './call-recorder.js';

/**
 * What measuring makes of a failed attempt: nothing when the attempt was stopped by a decision
 * (`ctx.signal` aborted) or refused by Reelay's own limits (the provider never saw it); else the
 * failure is recorded and returned classified (category, retryable). A throw of the recorder
 * propagates.
 */
export function measureFailure(
  recorder: CallRecorder,
  provider: Provider | undefined,
  ctx: CallContext,
  startedAt: number,
  firstProgressAt: number | undefined,
  error: unknown,
): unknown {
  if (ctx.signal.aborted) return error;
  if (isLimitRefusal(error)) return error;
  const { call } = ctx;
  const classified = classifyError(error, { provider: call.provider });
  if (provider) {
    recorder.record({
      provider,
      jobId: call.jobId,
      startedAt,
      firstProgressAt,
      ok: false,
      ...(classified.category ? { category: classified.category } : {}),
    });
  }
  return classified;
}

/**
 * One measured attempt on the call pipeline's fast path, as one object: the context measuring
 * hands the policy inside it (the outer context's fields, with a heartbeat that notes the first
 * progress) and the {@link CallSettler} that policy tells when the attempt ends — it records the
 * attempt synchronously and tells the fused retry-and-breaker step, exactly as the composed
 * measuring step does with its own continuation: a success is recorded and passed on (a recorder
 * that throws turns it into a failure, as there), a failure is recorded and passed on classified.
 */
export class MeasuredCall implements CallContext, CallSettler {
  readonly call: CallIdentity;
  readonly signal: AbortSignal;
  readonly attempt: number;
  readonly heartbeat: HeartbeatFn;
  readonly clock: Clock;
  readonly profile: CallProfile | undefined;
  readonly observer: CallObserver | undefined;
  /** Clock time of the first progress (a heartbeat that is not a wait for Reelay's own limits). */
  private firstProgressAt: number | undefined;

  /**
   * @param outer the context measuring was given (passed on to `settler`).
   * @param settler the fused step, told after this attempt is measured.
   * @param settlerStartedAt the start time `settler` was given, passed back to it.
   */
  constructor(
    private readonly recorder: CallRecorder,
    private readonly provider: Provider | undefined,
    private readonly outer: CallContext,
    private readonly settler: CallSettler,
    private readonly settlerStartedAt: number,
    /** Clock time the attempt started. */
    readonly startedAt: number,
  ) {
    const { clock } = outer;
    const outerBeat = outer.heartbeat;
    this.call = outer.call;
    this.signal = outer.signal;
    this.attempt = outer.attempt;
    this.heartbeat = (beat: Heartbeat): void => {
      // Waiting for Reelay's own limits is not the provider's first progress.
      if (beat.waiting === undefined) this.firstProgressAt ??= clock.now();
      outerBeat(beat);
    };
    this.clock = clock;
    this.profile = outer.profile;
    this.observer = outer.observer;
    this.firstProgressAt = undefined;
  }

  /** The attempt succeeded: recorded, then the fused step is told. */
  callSucceeded<T>(value: T, fn: CallFn<T>): T | Promise<T> {
    const { provider } = this;
    try {
      if (provider) {
        this.recorder.record({
          provider,
          jobId: this.call.jobId,
          startedAt: this.startedAt,
          firstProgressAt: this.firstProgressAt,
          ok: true,
          value,
        });
      }
    } catch (error) {
      return this.callFailed(error, fn);
    }
    return this.settler.callSucceeded(value, fn, this.outer, this.settlerStartedAt);
  }

  /** The attempt failed: measured (see {@link measureFailure}), then the fused step is told. */
  callFailed<T>(error: unknown, fn: CallFn<T>): Promise<T> {
    const { outer } = this;
    let failure: unknown;
    try {
      failure = measureFailure(
        this.recorder,
        this.provider,
        outer,
        this.startedAt,
        this.firstProgressAt,
        error,
      );
    } catch (thrown) {
      failure = thrown;
    }
    return this.settler.callFailed(failure, fn, outer, this.settlerStartedAt);
  }
}
