import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { RoutingKit } from '../routing/routing-kit.js';
import type { ProviderInfo } from './reelay-service.js';

/**
 * What the API reports about every registered provider: type, last health check, breaker state,
 * 24 h latency percentiles and the selection score with its weighted components.
 */
export function describeProviders(registry: ProviderRegistry, kit: RoutingKit): ProviderInfo[] {
  const scores = new Map<string, ProviderInfo['score']>();
  for (const kind of ['llm', 'tts', 'image', 'video'] as const) {
    const { candidates } = kit.selection.selectProviders({ kind, stage: 'status', jobId: '(none)' });
    for (const c of candidates) {
      const components: Record<string, number> = {};
      for (const [name, part] of Object.entries(c.components))
        components[name] = Math.round(part.weighted * 10) / 10;
      scores.set(c.provider, { total: Math.round(c.score * 10) / 10, components, reasons: c.reasons });
    }
  }
  return registry.list().map((p) => {
    const health = kit.health.getHealth(p.id);
    const metrics = kit.tracker.getMetrics(p.id, '24h');
    const breaker = kit.breakers.get(p.id).state;
    return {
      id: p.id,
      displayName: p.displayName,
      kind: p.kind,
      profileType: p.profileType,
      priority: p.priority,
      offline: p.capabilities.offline === true,
      health: health
        ? {
            healthy: health.healthy,
            latencyMs: health.latencyMs,
            message: health.message,
            checkedAt: new Date(health.lastCheckedAt).toISOString(),
            uptime: health.uptime,
          }
        : null,
      breaker: {
        state: breaker.state,
        ...('reason' in breaker && breaker.reason ? { reason: breaker.reason } : {}),
      },
      latency: {
        calls: metrics.calls,
        successRate: metrics.calls > 0 ? metrics.successRate : null,
        p50Ms: metrics.calls > 0 ? metrics.p50Ms : null,
        p95Ms: metrics.calls > 0 ? metrics.p95Ms : null,
        p99Ms: metrics.calls > 0 ? metrics.p99Ms : null,
      },
      score: scores.get(p.id) ?? null,
      limits: {
        bulkhead: kit.bulkheads.get(p.id)?.view() ?? null,
        rateLimit: kit.rateLimiter.view(p.id) ?? null,
      },
    };
  });
}
