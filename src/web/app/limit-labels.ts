import type { ProviderInfo } from '../../jobs/reelay-service.js';

/** "1 of 2 slots in use · 3 queued · 0 rejected", or "none" without a bulkhead. */
export function bulkheadText(p: ProviderInfo): string {
  const b = p.limits?.bulkhead;
  if (!b) return 'none';
  return `${b.inUse} of ${b.maxConcurrent} slots in use · ${b.queued} queued (max ${b.maxQueue}) · ${b.rejected} rejected`;
}

/** "42 of 60 requests left · 2 waiting · waited 13 s in total", or "none" without a limit. */
export function rateLimitText(p: ProviderInfo): string {
  const r = p.limits?.rateLimit;
  if (!r) return 'none';
  const left =
    r.remainingRequests === null
      ? 'requests left unknown'
      : `${r.remainingRequests}${r.requestLimit === null ? '' : ` of ${r.requestLimit}`} requests left`;
  const tokens = r.remainingTokens === null ? '' : ` · ${r.remainingTokens} tokens left`;
  const blocked = r.blockedUntil ? ` · paused by the provider until ${r.blockedUntil.slice(11, 19)} UTC` : '';
  return `${left}${tokens} · ${r.waiting} waiting · waited ${Math.round(r.waitedMsTotal / 1000)} s in total · ${r.rejected} rejected${blocked}`;
}
