import type { CallContext, CallFn, CallPolicy, CallSettler } from '../domain/call-context.js';
import type { Provider } from '../domain/provider.js';
import type { CallRecorder } from './call-recorder.js';
import { MeasuredCall, measureFailure } from './measured-call.js';

/**
 * Measuring as a call policy: each attempt's latency, time to first progress, outcome and error
 * category go to the performance tracker, and a success's reported usage to the cost tracker.
 * A failure is rethrown classified (category, retryable). An attempt stopped by a decision
 * (its context's signal aborted: a switch or a cancel) is not measured: it says nothing about
 * the provider. On the pipeline's fast path (inside the fused retry-and-breaker step, around a
 * policy that settles calls itself) the attempt is measured synchronously when it ends, by a
 * {@link MeasuredCall}, instead of by a continuation of its own.
 */
export class MeasurePolicy implements CallPolicy {
  constructor(
    private readonly recorder: CallRecorder,
    private readonly providerOf: (id: string) => Provider | undefined,
  ) {}

  async execute<T>(fn: CallFn<T>, ctx: CallContext): Promise<T> {
    const { clock, call } = ctx;
    const provider = this.providerOf(call.provider);
    const startedAt = clock.now();
    let firstProgressAt: number | undefined;
    const outer = ctx.heartbeat;
    const measured: CallContext = {
      ...ctx,
      heartbeat: (beat) => {
        // Waiting for Reelay's own limits is not the provider's first progress.
        if (beat.waiting === undefined) firstProgressAt ??= clock.now();
        outer(beat);
      },
    };
    try {
      const value = await fn(measured);
      if (provider)
        this.recorder.record({ provider, jobId: call.jobId, startedAt, firstProgressAt, ok: true, value });
      return value;
    } catch (error) {
      throw measureFailure(this.recorder, provider, ctx, startedAt, firstProgressAt, error);
    }
  }

  /**
   * The fast path: `inner` settles the call itself and tells a {@link MeasuredCall}, which
   * measures the attempt and then tells `settler`. @internal used by `wrap(...)`
   */
  executeInnerSettled<T>(
    inner: CallPolicy,
    fn: CallFn<T>,
    ctx: CallContext,
    settler: CallSettler,
    startedAt: number,
  ): Promise<T> {
    if (inner.executeSettled === undefined) {
      return this.execute((c) => inner.execute(fn, c), ctx).then(
        (value) => settler.callSucceeded(value, fn, ctx, startedAt),
        (error: unknown) => settler.callFailed(error, fn, ctx, startedAt),
      );
    }
    const provider = this.providerOf(ctx.call.provider);
    const measured = new MeasuredCall(this.recorder, provider, ctx, settler, startedAt, ctx.clock.now());
    return inner.executeSettled(fn, measured, measured, measured.startedAt);
  }
}
