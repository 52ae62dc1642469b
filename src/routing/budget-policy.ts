import type { CallContext, CallFn, CallPolicy } from '../domain/call-context.js';
import { ReelayError } from '../domain/errors.js';
import type { CostModel } from '../domain/provider.js';
import { type BudgetCheck, BudgetExceededError, type BudgetGuard, type BudgetRequest } from './budget.js';
import type { BudgetAdmission } from './budget-holds.js';
import { estimateCallCost } from './cost-model.js';

/**
 * Budgets as a call policy: before the call runs, its cost is estimated from the request's
 * expected usage (`ctx.profile.estimatedUsage`) under the provider's cost model, and the estimate
 * is held against every budget the call is subject to (atomically on all instances with the
 * shared ledger on Redis; in this process otherwise). The call is refused —
 * `REELAY_ERR_BUDGET_EXCEEDED`, category `quota_exceeded`, not retryable — when spent + the
 * estimates held by calls in flight + its own estimate would exceed a budget. When the call ends,
 * its actual spend is recorded (by the measure step) and the hold dropped; a failed call only
 * drops its hold. A call without an estimate is priced as one unit (MINIMAL_USAGE).
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

  /** The refusal of this call, or undefined when every budget allows it (nothing is held). */
  async refusal(ctx: CallContext): Promise<ReelayError | undefined> {
    const request = this.request(ctx);
    if (request === undefined) return undefined;
    return this.refusalOf(await this.guard.checkBudgetShared(request, ctx.clock), ctx);
  }

  /**
   * Runs the call when the budgets allow it. Fast path: a call no limit applies to is not even
   * priced, and with spend kept in memory the admission is synchronous.
   */
  private admit<T>(ctx: CallContext, fn: CallFn<T>, inner: CallPolicy | undefined): Promise<T> {
    try {
      const request = this.request(ctx);
      if (request === undefined) return inner === undefined ? fn(ctx) : inner.execute(fn, ctx);
      const admission = this.guard.admit(request, ctx.clock.now());
      if (admission instanceof Promise) return admission.then((a) => this.run(a, ctx, fn, inner));
      return this.run(admission, ctx, fn, inner);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private run<T>(
    admission: BudgetAdmission,
    ctx: CallContext,
    fn: CallFn<T>,
    inner: CallPolicy | undefined,
  ): Promise<T> {
    const refusal = this.refusalOf(admission.check, ctx);
    if (refusal) return Promise.reject(refusal);
    const call = inner === undefined ? fn(ctx) : inner.execute(fn, ctx);
    const release = admission.release;
    if (release === undefined) return call;
    if (!this.guard.releasesAfterWrite) {
      // Spend kept in this process only: the record is synchronous, the hold drops at once.
      return call.then(
        (value) => {
          release();
          return value;
        },
        (error: unknown) => {
          release();
          throw error;
        },
      );
    }
    return call.then(
      async (value) => {
        // The actual spend reaches the shared counters before the hold stops counting.
        await this.guard.spendWritten();
        await release();
        return value;
      },
      async (error: unknown) => {
        await release();
        throw error;
      },
    );
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
