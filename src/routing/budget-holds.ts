import {
  type SpendCounter,
  type SpendLimit,
  type SpendStore,
  spendCounterName,
} from '../state/router-state.js';
import type { BudgetCheck, BudgetName, BudgetRequest } from './budget-types.js';
import { utcDay } from './cost-tracker.js';

/** One budget a call is subject to: its name, the counter it is judged on, and its limit. */
export interface HeldBudget extends SpendLimit {
  budget: BudgetName;
}

/** The budgets a call is subject to at time `now`, in checking order (per job, daily, monthly). */
export function heldBudgets(
  request: BudgetRequest,
  limits: { perJobUsd?: number | undefined; dailyUsd?: number | undefined; monthlyUsd?: number | undefined },
  now: number,
): HeldBudget[] {
  const out: HeldBudget[] = [];
  const { jobId, provider } = request;
  if (jobId !== undefined && limits.perJobUsd !== undefined)
    out.push({ budget: 'perJob', counter: { kind: 'job', jobId }, limitUsd: limits.perJobUsd });
  if (limits.dailyUsd === undefined && limits.monthlyUsd === undefined) return out;
  const day = utcDay(now);
  if (limits.dailyUsd !== undefined)
    out.push({
      budget: 'providerDaily',
      counter: { kind: 'provider', provider, period: day },
      limitUsd: limits.dailyUsd,
    });
  if (limits.monthlyUsd !== undefined)
    out.push({
      budget: 'providerMonthly',
      counter: { kind: 'provider', provider, period: day.slice(0, 7) },
      limitUsd: limits.monthlyUsd,
    });
  return out;
}

const DAY_MS = 86_400_000;

/** What the store says was spent on each budget (the start of the UTC day or month at `nowMs`). */
export async function storedSpend(
  store: SpendStore,
  budgets: readonly HeldBudget[],
  nowMs: number,
): Promise<Map<BudgetName, number>> {
  const spent = new Map<BudgetName, number>();
  const now = new Date(nowMs);
  for (const { budget, counter } of budgets) {
    if (counter.kind === 'job') spent.set(budget, await store.total({ jobId: counter.jobId }));
    else {
      const sinceMs =
        budget === 'providerDaily'
          ? Math.floor(nowMs / DAY_MS) * DAY_MS
          : Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
      spent.set(budget, await store.total({ provider: counter.provider, sinceMs }));
    }
  }
  return spent;
}

/** What a budget admission answers: the check, and for an admitted call the release of its hold. */
export interface BudgetAdmission {
  check: BudgetCheck;
  /** Drops the call's hold; call it once the call ended and its actual spend is recorded. */
  release?: () => void | Promise<void>;
}

/**
 * Estimates of the calls in flight in this process, per spend counter: the in-process ledger used
 * without Redis. A check adds them to what was spent and holds its own estimate in the same
 * synchronous step, so concurrent calls of one process never together pass a limit by more than
 * one estimate (the durable store is shared by processes, but not atomically: with several
 * processes on one database and no Redis, each process holds only its own calls).
 */
export class LocalSpendHolds {
  private readonly held = new Map<string, number>();

  /** US dollars held on `counter` by calls in flight. */
  heldOn(counter: SpendCounter): number {
    return this.heldOnName(spendCounterName(counter));
  }

  /** US dollars held on the counter named `name` (see `spendCounterName`). */
  heldOnName(name: string): number {
    return this.held.get(name) ?? 0;
  }

  /** Holds `usd` on every named counter; returns the release (idempotent). */
  hold(usd: number, names: readonly string[]): () => void {
    for (const name of names) this.held.set(name, (this.held.get(name) ?? 0) + usd);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const name of names) {
        const left = (this.held.get(name) ?? 0) - usd;
        if (left > 1e-9) this.held.set(name, left);
        else this.held.delete(name);
      }
    };
  }
}
