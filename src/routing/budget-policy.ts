import type { CallContext, CallFn, CallPolicy } from '../domain/call-context.js';
import { ReelayError } from '../domain/errors.js';
import type { CostModel } from '../domain/provider.js';
import { type BudgetCheck, BudgetExceededError, type BudgetGuard, type BudgetRequest } from './budget.js';
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

  execute<T>(fn: CallFn<T>, ctx: CallContext): Promise<T> {
    return this.admit(ctx, fn, undefined);
  }

  executeInner<T>(inner: CallPolicy, fn: CallFn<T>, ctx: CallContext): Promise<T> {
    return this.admit(ctx, fn, inner);
  }

  /** The refusal of this call, or undefined when every budget allows it. */
  async refusal(ctx: CallContext): Promise<ReelayError | undefined> {
    const request = this.request(ctx);
    if (request === undefined) return undefined;
    return this.refusalOf(await this.guard.checkBudgetShared(request, ctx.clock), ctx);
  }

  /**
   * Runs the call when the budgets allow it. Fast path: with spend kept in memory the check is
   * synchronous, and a call no limit applies to is not even priced, so no promise or frame is
   * added around the call.
   */
  private admit<T>(ctx: CallContext, fn: CallFn<T>, inner: CallPolicy | undefined): Promise<T> {
    try {
      if (this.guard.sharesSpend) {
        return this.refusal(ctx).then((refusal) => {
          if (refusal) throw refusal;
          return inner === undefined ? fn(ctx) : inner.execute(fn, ctx);
        });
      }
      const request = this.request(ctx);
      const refusal = request && this.refusalOf(this.guard.checkBudget(request), ctx);
      if (refusal) return Promise.reject(refusal);
      return inner === undefined ? fn(ctx) : inner.execute(fn, ctx);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The budget request of the call (its cost estimated), or undefined when no limit applies to it. */
  private request(ctx: CallContext): BudgetRequest | undefined {
    const { call } = ctx;
    if (!this.guard.limits(call.provider, call.jobId)) return undefined;
    const model = this.costModelOf(call.provider);
    const estimatedUsd = model ? estimateCallCost(model, ctx.profile?.estimatedUsage) : 0;
    return { jobId: call.jobId, provider: call.provider, estimatedUsd };
  }

  private refusalOf(check: BudgetCheck, ctx: CallContext): ReelayError | undefined {
    if (check.ok) return undefined;
    const { call } = ctx;
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
