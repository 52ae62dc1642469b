import type { Clock } from '../domain/clock.js';
import type { ErrorCategory } from '../domain/error-category.js';
import type { Logger } from '../domain/logger.js';
import type { Provider } from '../domain/provider.js';
import type { CallRecord } from './call-record.js';
import { estimateCost } from './cost-model.js';
import type { CostTracker } from './cost-tracker.js';
import type { ProviderPerformanceTracker } from './performance-tracker.js';
import { usageOf } from './router-support.js';

/** One finished provider call, as the router saw it. */
export interface FinishedCall {
  provider: Provider;
  jobId: string;
  startedAt: number;
  /** Clock time of the first heartbeat, when there was one. */
  firstProgressAt: number | undefined;
  ok: boolean;
  category?: ErrorCategory;
  /** The call's result (its `usage`, when it reports one, is priced). */
  value?: unknown;
}

/** Records every provider call for performance tracking, and the spend of successful ones. */
export class CallRecorder {
  constructor(
    private readonly deps: {
      clock: Clock;
      logger: Logger;
      tracker?: ProviderPerformanceTracker | undefined;
      costs?: CostTracker | undefined;
    },
  ) {}

  record(call: FinishedCall): void {
    const { clock, tracker, costs, logger } = this.deps;
    const { provider, startedAt, firstProgressAt } = call;
    const usage = usageOf(call.value);
    const costUsd = usage ? estimateCost(provider.costModel, usage) : 0;
    if (tracker) {
      // Built field by field (same fields, same order) rather than from spread temporaries.
      const record: CallRecord = {
        provider: provider.id,
        operation: provider.kind,
        startedAt,
        latencyMs: clock.now() - startedAt,
        ok: call.ok,
      };
      if (firstProgressAt !== undefined) record.timeToFirstProgressMs = firstProgressAt - startedAt;
      if (call.category) record.category = call.category;
      if (usage) {
        record.usage = usage;
        record.costUsd = costUsd;
      }
      void tracker.record(record).catch((err: unknown) => logger.warn({ tag: 'TRACKER_RECORD_FAILED', err }));
    }
    if (call.ok && costUsd > 0)
      costs?.record({ jobId: call.jobId, provider: provider.id, usd: costUsd, at: clock.now() });
  }
}
