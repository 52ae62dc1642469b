import { Counter, Gauge, type Registry } from 'prom-client';
import type { BulkheadRegistry } from '../resilience/bulkhead-registry.js';
import type { RateLimiter } from '../resilience/rate-limiter.js';

/**
 * Registers the metrics of Reelay's own limits on provider calls, read at scrape time:
 * bulkhead slots in use, calls queued and refused; rate-limit room, calls waiting, total wait and
 * refusals — one series per provider.
 */
export function registerLimitMetrics(
  registry: Registry,
  limits: { bulkheads: BulkheadRegistry; rateLimiter: RateLimiter },
): void {
  const { bulkheads, rateLimiter } = limits;
  const perBulkhead = (
    name: string,
    help: string,
    read: (v: ReturnType<BulkheadRegistry['views']>[string]) => number,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['provider'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [provider, view] of Object.entries(bulkheads.views())) this.set({ provider }, read(view));
      },
    });
  perBulkhead('reelay_bulkhead_in_use', 'Call slots in use per provider', (v) => v.inUse);
  perBulkhead('reelay_bulkhead_queued', 'Calls waiting for a call slot per provider', (v) => v.queued);
  new Counter({
    name: 'reelay_bulkhead_rejected_total',
    help: 'Calls refused by a bulkhead (provider_overload), by reason (queue_full, queue_timeout)',
    labelNames: ['provider', 'reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [provider, v] of Object.entries(bulkheads.views())) {
        this.inc({ provider, reason: 'queue_full' }, v.rejected - v.timedOut);
        this.inc({ provider, reason: 'queue_timeout' }, v.timedOut);
      }
    },
  });
  const views = () =>
    rateLimiter.providers().flatMap((provider) => {
      const view = rateLimiter.view(provider);
      return view ? [{ provider, view }] : [];
    });
  new Gauge({
    name: 'reelay_rate_limit_remaining_requests',
    help: 'Requests left in the rate window per provider (configured or learned from headers)',
    labelNames: ['provider'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { provider, view } of views())
        if (view.remainingRequests !== null) this.set({ provider }, view.remainingRequests);
    },
  });
  new Gauge({
    name: 'reelay_rate_limit_waiting',
    help: "Calls waiting for a provider's rate limit now",
    labelNames: ['provider'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { provider, view } of views()) this.set({ provider }, view.waiting);
    },
  });
  new Counter({
    name: 'reelay_rate_limit_wait_seconds_total',
    help: "Seconds calls spent waiting for a provider's rate limit",
    labelNames: ['provider'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { provider, view } of views()) this.inc({ provider }, view.waitedMsTotal / 1000);
    },
  });
  new Counter({
    name: 'reelay_rate_limit_rejected_total',
    help: 'Calls refused because the rate-limit wait would exceed maxWaitMs (rate_limit)',
    labelNames: ['provider'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { provider, view } of views()) this.inc({ provider }, view.rejected);
    },
  });
}
