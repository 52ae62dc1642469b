import type { CallContext, CallFn, CallPolicy } from '../domain/call-context.js';
import { ReelayError } from '../domain/errors.js';
import type { CostModel } from '../domain/provider.js';
import { BudgetExceededError, type BudgetGuard } from './budget.js';
import { estimateCallCost } from './cost-model.js';

/**
 * Budgets as a call policy: before the call runs, its cost is estimated from the request's
 * expected usage (`ctx.profile.estimatedUsage`) under the provider's cost model, and the call is
 * refused — `REELAY_ERR_BUDGET_EXCEEDED`, category `quota_exceeded`, not retryable — when spent +
 * estimate would exceed a budget. A call without an estimate is priced as one unit (MINIMAL_USAGE).
 */
export class BudgetPolicy implements CallPolicy {
  constructor(
    private readonly guard: BudgetGuard,
    private readonly costModelOf: (provider: string) => CostModel | undefined,
  ) {}

  async execute<T>(fn: CallFn<T>, ctx: CallContext): Promise<T> {
    const refusal = await this.refusal(ctx);
    if (refusal) throw refusal;
    return fn(ctx);
  }

  /** The refusal of this call, or undefined when every budget allows it. */
  async refusal(ctx: CallContext): Promise<ReelayError | undefined> {
    const { call } = ctx;
    const model = this.costModelOf(call.provider);
    const estimatedUsd = model ? estimateCallCost(model, ctx.profile?.estimatedUsage) : 0;
    const request = { jobId: call.jobId, provider: call.provider, estimatedUsd };
    const check = await this.guard.checkBudgetShared(request, ctx.clock);
    if (check.ok) return undefined;
    return new ReelayError('REELAY_ERR_BUDGET_EXCEEDED', check.reason, {
      cause: new BudgetExceededError(check),
      category: 'quota_exceeded',
      retryable: false,
      provider: call.provider,
      correlationId: call.correlationId,
      details: { budget: check.budget, spentUsd: check.spentUsd, limitUsd: check.limitUsd },
    });
  }
}
