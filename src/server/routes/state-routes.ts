import type { FastifyInstance } from 'fastify';
import { isoAt } from '../../domain/clock.js';
import type { RouteDeps } from '../route-deps.js';

/**
 * `GET /api/state/health`: each router-state tier (L1, Redis, durable) with its latency, and a
 * healthy / degraded / critical verdict; 503 when critical, 200 otherwise (degraded still serves).
 */
export async function stateRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  app.get('/health', async (_request, reply) => {
    const report = deps.service.stateHealth
      ? await deps.service.stateHealth()
      : {
          verdict: 'healthy' as const,
          mode: 'local' as const,
          tiers: [],
          l1: { hits: 0, misses: 0, hitRate: 0, size: 0 },
        };
    return reply
      .code(report.verdict === 'critical' ? 503 : 200)
      .send({ ...report, timestamp: isoAt(deps.clock) });
  });
}
