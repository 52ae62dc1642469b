import type { CallContext, CallFn, CallPolicy } from '../domain/call-context.js';
import type { Provider } from '../domain/provider.js';
import { classifyError } from '../resilience/classify-error.js';
import { isLimitRefusal } from '../resilience/limit-refusal.js';
import type { CallRecorder } from './call-recorder.js';

/**
 * Measuring as a call policy: each attempt's latency, time to first progress, outcome and error
 * category go to the performance tracker, and a success's reported usage to the cost tracker.
 * A failure is rethrown classified (category, retryable). An attempt stopped by a decision
 * (its context's signal aborted: a switch or a cancel) is not measured: it says nothing about
 * the provider.
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
      if (ctx.signal.aborted) throw error;
      // Refused by Reelay's own limits: the provider never saw the call, so nothing is measured.
      if (isLimitRefusal(error)) throw error;
      const classified = classifyError(error, { provider: call.provider });
      if (provider) {
        this.recorder.record({
          provider,
          jobId: call.jobId,
          startedAt,
          firstProgressAt,
          ok: false,
          ...(classified.category ? { category: classified.category } : {}),
        });
      }
      throw classified;
    }
  }
}
