import { ReelayError } from '../domain/errors.js';

/**
 * The vocabulary of budgets — limits, a call's request, a check's result and the refusal error —
 * apart from the {@link BudgetGuard} that judges calls by them (`budget.ts`, which re-exports it).
 */

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

/** Result of `BudgetGuard.checkBudget`. */
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
