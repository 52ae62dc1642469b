import type { BudgetRefusal } from './budget-types.js';

const usd = (n: number): string => `$${n.toFixed(n !== 0 && Math.abs(n) < 0.01 ? 4 : 2)}`;

/** The readable reason of a refused budget check: what happened and what to do. */
export function describeRefusal(
  r: Omit<BudgetRefusal, 'reason' | 'jobId'>,
  jobId: string | undefined,
): string {
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
