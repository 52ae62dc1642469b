import type { Clock } from '../domain/clock.js';
import { type IdGenerator, randomIds } from '../domain/ids.js';
import { type SpendLedger, spendCounterName } from '../state/router-state.js';
import {
  type BudgetAdmission,
  type HeldBudget,
  heldBudgets,
  LocalSpendHolds,
  storedSpend,
} from './budget-holds.js';
import { describeRefusal as describe } from './budget-refusal-text.js';
import type { BudgetCheck, BudgetName, BudgetRefusal, BudgetRequest, Budgets } from './budget-types.js';
import { BudgetExceededError } from './budget-types.js';
import type { CostTracker } from './cost-tracker.js';

export {
  type BudgetCheck,
  BudgetExceededError,
  type BudgetName,
  type BudgetRefusal,
  type BudgetRequest,
  type Budgets,
  type ProviderBudget,
} from './budget-types.js';

/** Options of {@link BudgetGuard}. */
export interface BudgetGuardOptions {
  /** The limits (copied; later changes to the object are not seen). */
  budgets: Budgets;
  /** Where spend is recorded. */
  tracker: CostTracker;
  /**
   * Shared spend holds (Redis): a call's estimate is held atomically against every budget on all
   * instances before it runs. @default none (holds are kept in this process)
   */
  ledger?: SpendLedger;
  /** How long a hold counts when its process dies before releasing it, ms. @default 3600000 */
  holdTtlMs?: number;
  /** Ids of holds (unique across processes). @default randomIds */
  holdIds?: IdGenerator;
  /** Told when the shared ledger fails (the admission then falls back to this process's holds). */
  onLedgerError?: (error: unknown) => void;
}

const OK: BudgetCheck = Object.freeze({ ok: true as const });
const ADMITTED: BudgetAdmission = Object.freeze({ check: OK });

// Sub-micro-dollar tolerance so spending exactly the limit is allowed despite float sums.
const EPSILON = 1e-9;

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
  private readonly ledger: SpendLedger | undefined;
  private readonly holdTtlMs: number;
  private readonly holdIds: IdGenerator;
  private readonly onLedgerError: (error: unknown) => void;
  private readonly local = new LocalSpendHolds();

  constructor(options: BudgetGuardOptions) {
    this.budgets = {
      ...options.budgets,
      perProvider: Object.fromEntries(
        Object.entries(options.budgets.perProvider ?? {}).map(([id, b]) => [id, { ...b }]),
      ),
    };
    this.tracker = options.tracker;
    this.ledger = options.ledger;
    this.holdTtlMs = options.holdTtlMs ?? 3_600_000;
    this.holdIds = options.holdIds ?? randomIds;
    this.onLedgerError = options.onLedgerError ?? (() => {});
  }

  /**
   * Admits a call and holds its estimate until the admission's `release`, so that concurrent calls
   * see each other: atomically across instances on the shared ledger (Redis) when there is one;
   * otherwise in this process, over the durable store's totals (or the in-memory ones). Spent +
   * held + estimate must fit under every budget the call is subject to. Synchronous when spend is
   * kept in memory only; a call no limit applies to is admitted without a hold.
   */
  admit(request: BudgetRequest, now: number): BudgetAdmission | Promise<BudgetAdmission> {
    const budgets = this.budgetsOf(request, now);
    if (budgets.length === 0) return ADMITTED;
    if (this.ledger) return this.holdShared(this.ledger, request, budgets, now);
    if (this.tracker.store) {
      return this.totals(request, now).then((spent) => this.holdLocal(request, budgets, spent));
    }
    return this.holdLocal(request, budgets, undefined);
  }

  /** Resolves when the spend recorded so far has reached the tracker's store (when it has one). */
  spendWritten(): Promise<void> {
    return this.tracker.written();
  }

  /**
   * Judges the call on spent (the store's totals, or the in-memory tracker's) + this process's holds
   * + its estimate, budget by budget in order, and holds the estimate when all allow it. Hot path
   * without Redis: no closures, one counter name per budget.
   */
  private holdLocal(
    request: BudgetRequest,
    budgets: readonly HeldBudget[],
    stored: ReadonlyMap<BudgetName, number> | undefined,
  ): BudgetAdmission {
    const names: string[] = [];
    for (const budget of budgets) {
      const name = spendCounterName(budget.counter);
      names.push(name);
      const spent =
        (stored ? (stored.get(budget.budget) ?? 0) : this.spentInMemory(budget.budget, request)) +
        this.local.heldOnName(name);
      if (spent + request.estimatedUsd > budget.limitUsd + EPSILON) {
        return { check: this.refusal(request, budget.budget, budget.limitUsd, spent) };
      }
    }
    // A free call (estimate 0) cannot push spend past a limit: nothing to hold.
    if (request.estimatedUsd <= 0) return ADMITTED;
    return { check: OK, release: this.local.hold(request.estimatedUsd, names) };
  }

  private async holdShared(
    ledger: SpendLedger,
    request: BudgetRequest,
    budgets: readonly HeldBudget[],
    now: number,
  ): Promise<BudgetAdmission> {
    const [holdId, usd] = [this.holdIds('hold'), request.estimatedUsd];
    let result: Awaited<ReturnType<SpendLedger['hold']>>;
    try {
      result = await ledger.hold({ holdId, usd, limits: budgets, ttlMs: this.holdTtlMs, now });
    } catch (error) {
      // Shared ledger unreachable: judge on the store's totals and this process's holds.
      this.onLedgerError(error);
      const spent = await this.totals(request, now);
      return this.holdLocal(request, budgets, spent);
    }
    if (!result.admitted) {
      const refused = budgets[result.index] ?? (budgets[0] as HeldBudget);
      return { check: this.refusal(request, refused.budget, refused.limitUsd, result.spentUsd) };
    }
    const counters = budgets.map((b) => b.counter);
    return {
      check: OK,
      // A hold that cannot be dropped (Redis gone) expires after holdTtlMs.
      release: () =>
        ledger.releaseHold(holdId, counters).catch((error: unknown) => this.onLedgerError(error)),
    };
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
    if (!this.tracker.store) return this.checkBudget(request);
    const spent = await this.totals(request, clock.now());
    return this.judge(request, (budget) => spent.get(budget) ?? 0);
  }

  /** Spend per budget the request is subject to: from the tracker's store, or in memory. */
  private async totals(request: BudgetRequest, nowMs: number): Promise<Map<BudgetName, number>> {
    const store = this.tracker.store;
    const budgets = this.budgetsOf(request, nowMs);
    if (store) return storedSpend(store, budgets, nowMs);
    return new Map(budgets.map((b) => [b.budget, this.spentInMemory(b.budget, request)]));
  }

  private budgetsOf(request: BudgetRequest, now: number): HeldBudget[] {
    const limits = this.budgets.perProvider?.[request.provider];
    const { perJobUsd } = this.budgets;
    return heldBudgets(
      request,
      { perJobUsd, dailyUsd: limits?.dailyUsd, monthlyUsd: limits?.monthlyUsd },
      now,
    );
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

  /**
   * Whether a hold must wait for the recorded spend to reach a store (or a shared ledger) before it
   * is dropped; false when spend is kept in this process only (release is then synchronous).
   */
  get releasesAfterWrite(): boolean {
    return this.ledger !== undefined || this.tracker.store !== undefined;
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
    const spentUsd = spentOn(budget);
    if (spentUsd + request.estimatedUsd <= limitUsd + EPSILON) return undefined;
    return this.refusal(request, budget, limitUsd, spentUsd);
  }

  private refusal(
    request: BudgetRequest,
    budget: BudgetName,
    limitUsd: number,
    spentUsd: number,
  ): BudgetRefusal {
    const { jobId, provider, estimatedUsd } = request;
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
