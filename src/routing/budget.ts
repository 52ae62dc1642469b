import type { Clock } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import type { CostTracker } from './cost-tracker.js';

/** Spending limits of one provider, in US dollars per UTC day and month. */
export interface ProviderBudget {
  dailyUsd?: number;
  monthlyUsd?: number;
}

/** Spending limits; absent limits are unlimited. */
export interface Budgets {
  /** Most one job may spend across all providers. */
  perJobUsd?: number;
  /** Limits per provider id. */
  perProvider?: Readonly<Record<string, ProviderBudget>>;
}

/** Which budget a check hit. */
export type BudgetName = 'perJob' | 'providerDaily' | 'providerMonthly';

/** A call about to be made. */
export interface BudgetRequest {
  jobId?: string;
  provider: string;
  /** Estimated cost of the call, US dollars. */
  estimatedUsd: number;
}

/** A refused budget check: which budget, how much was spent, the limit, and a readable reason. */
export interface BudgetRefusal {
  ok: false;
  budget: BudgetName;
  provider: string;
  jobId?: string;
  spentUsd: number;
  limitUsd: number;
  estimatedUsd: number;
  /** What happened and what to do. */
  reason: string;
}

/** Result of {@link BudgetGuard.checkBudget}. */
export type BudgetCheck = { ok: true } | BudgetRefusal;

/** Thrown when a call would exceed a budget. Code `REELAY_ERR_BUDGET_EXCEEDED` (HTTP 402). */
export class BudgetExceededError extends ReelayError {
  /** The refused check. */
  readonly refusal: BudgetRefusal;

  constructor(refusal: BudgetRefusal) {
    super('REELAY_ERR_BUDGET_EXCEEDED', refusal.reason, {
      provider: refusal.provider,
      retryable: false,
      details: {
        budget: refusal.budget,
        spentUsd: refusal.spentUsd,
        limitUsd: refusal.limitUsd,
        estimatedUsd: refusal.estimatedUsd,
        ...(refusal.jobId === undefined ? {} : { jobId: refusal.jobId }),
      },
    });
    this.name = 'BudgetExceededError';
    this.refusal = refusal;
  }
}

/** Options of {@link BudgetGuard}. */
export interface BudgetGuardOptions {
  /** The limits (copied; later changes to the object are not seen). */
  budgets: Budgets;
  /** Where spend is recorded. */
  tracker: CostTracker;
}

const OK: BudgetCheck = Object.freeze({ ok: true as const });

// Sub-micro-dollar tolerance so spending exactly the limit is allowed despite float sums.
const EPSILON = 1e-9;

const usd = (n: number): string => `$${n.toFixed(n !== 0 && Math.abs(n) < 0.01 ? 4 : 2)}`;

/**
 * Checks a call's estimated cost against the per-job budget and the provider's daily and monthly
 * budgets (UTC). A call may bring spend up to the limit exactly, not past it.
 *
 * @example
 * const guard = new BudgetGuard({ budgets: { perJobUsd: 2, perProvider: { openai: { dailyUsd: 10 } } }, tracker });
 * const check = guard.checkBudget({ jobId: 'job_1', provider: 'openai', estimatedUsd: 0.4 });
 * if (!check.ok) console.log(check.reason);
 */
export class BudgetGuard {
  private readonly budgets: Budgets;
  private readonly tracker: CostTracker;

  constructor(options: BudgetGuardOptions) {
    this.budgets = {
      ...options.budgets,
      perProvider: Object.fromEntries(
        Object.entries(options.budgets.perProvider ?? {}).map(([id, b]) => [id, { ...b }]),
      ),
    };
    this.tracker = options.tracker;
  }

  /** `{ ok: true }`, or the first budget the call would exceed (per job, then daily, then monthly). */
  checkBudget(request: BudgetRequest): BudgetCheck {
    if (!this.limits(request.provider, request.jobId)) return OK;
    return this.judge(request, (budget) => this.spentInMemory(budget, request));
  }

  /**
   * Like {@link checkBudget}, but with spend read from the tracker's durable store when it has one
   * (what every process on the database has spent, also before a restart).
   */
  async checkBudgetShared(request: BudgetRequest, clock: Clock): Promise<BudgetCheck> {
    const store = this.tracker.store;
    if (!store) return this.checkBudget(request);
    const spent = new Map<BudgetName, number>();
    const now = new Date(clock.now());
    const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const month = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    const limits = this.budgets.perProvider?.[request.provider];
    const { jobId, provider } = request;
    if (jobId !== undefined && this.budgets.perJobUsd !== undefined) {
      spent.set('perJob', await store.total({ jobId }));
    }
    if (limits?.dailyUsd !== undefined)
      spent.set('providerDaily', await store.total({ provider, sinceMs: day }));
    if (limits?.monthlyUsd !== undefined) {
      spent.set('providerMonthly', await store.total({ provider, sinceMs: month }));
    }
    return this.judge(request, (budget) => spent.get(budget) ?? 0);
  }

  private spentInMemory(budget: BudgetName, request: BudgetRequest): number {
    const { jobId, provider } = request;
    if (budget === 'perJob') return this.tracker.spent({ jobId });
    return this.tracker.spent({ provider, period: budget === 'providerDaily' ? 'day' : 'month' });
  }

  /**
   * Whether a call to `provider` (for `jobId`) is subject to any limit. When not, a check always
   * passes, whatever the estimate: callers may skip estimating.
   */
  limits(provider: string, jobId: string | undefined): boolean {
    if (jobId !== undefined && this.budgets.perJobUsd !== undefined) return true;
    const limits = this.budgets.perProvider?.[provider];
    return limits !== undefined && (limits.dailyUsd !== undefined || limits.monthlyUsd !== undefined);
  }

  /** Whether spend is read from a durable store (then only {@link checkBudgetShared} sees all of it). */
  get sharesSpend(): boolean {
    return this.tracker.store !== undefined;
  }

  // Hot path (every provider call): the three budgets in order, allocating only for a refusal.
  private judge(request: BudgetRequest, spentOn: (budget: BudgetName) => number): BudgetCheck {
    const { jobId } = request;
    const limits = this.budgets.perProvider?.[request.provider];
    return (
      this.over(request, 'perJob', jobId === undefined ? undefined : this.budgets.perJobUsd, spentOn) ??
      this.over(request, 'providerDaily', limits?.dailyUsd, spentOn) ??
      this.over(request, 'providerMonthly', limits?.monthlyUsd, spentOn) ??
      OK
    );
  }

  private over(
    request: BudgetRequest,
    budget: BudgetName,
    limitUsd: number | undefined,
    spentOn: (budget: BudgetName) => number,
  ): BudgetRefusal | undefined {
    if (limitUsd === undefined) return undefined;
    const { jobId, provider, estimatedUsd } = request;
    const spentUsd = spentOn(budget);
    if (spentUsd + estimatedUsd <= limitUsd + EPSILON) return undefined;
    const base = { ok: false as const, budget, provider, spentUsd, limitUsd, estimatedUsd };
    return { ...base, ...(jobId === undefined ? {} : { jobId }), reason: describe(base, jobId) };
  }

  /**
   * Like {@link BudgetGuard.checkBudget} but throws.
   * @throws BudgetExceededError when the call would exceed a budget.
   */
  enforceBudget(request: BudgetRequest): void {
    const check = this.checkBudget(request);
    if (!check.ok) throw new BudgetExceededError(check);
  }
}

function describe(r: Omit<BudgetRefusal, 'reason' | 'jobId'>, jobId: string | undefined): string {
  const call = `this call to ${r.provider} is estimated at ${usd(r.estimatedUsd)}`;
  switch (r.budget) {
    case 'perJob':
      return (
        `Job ${jobId} would exceed its budget: spent ${usd(r.spentUsd)} of ${usd(r.limitUsd)} and ${call}. ` +
        'Raise budgets.perJobUsd or choose cheaper providers for this job.'
      );
    case 'providerDaily':
      return (
        `Provider ${r.provider} would exceed its daily budget: spent ${usd(r.spentUsd)} of ${usd(r.limitUsd)} today (UTC) and ${call}. ` +
        `Raise budgets.perProvider.${r.provider}.dailyUsd, wait for the reset at 00:00 UTC, or choose another provider.`
      );
    case 'providerMonthly':
      return (
        `Provider ${r.provider} would exceed its monthly budget: spent ${usd(r.spentUsd)} of ${usd(r.limitUsd)} this month (UTC) and ${call}. ` +
        `Raise budgets.perProvider.${r.provider}.monthlyUsd, wait for the reset on the 1st (UTC), or choose another provider.`
      );
  }
}
