import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ProviderPerformanceView } from '../../jobs/reelay-service.js';
import { ProblemDetailsSchema, ProviderIdParamsSchema } from '../api-schemas.js';
import { ProviderPerformanceSchema } from '../insight-schemas.js';
import type { RouteDeps } from '../route-deps.js';

/**
 * `GET /api/providers/{id}/performance`: the server's own performance tracker for one provider —
 * hourly p50/p95 over the last 24 h, success rate, latency trend and prediction.
 */
export async function performanceRoutes(fastify: FastifyInstance, deps: RouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/providers/:id/performance',
    {
      schema: {
        summary: "A provider's latency p50/p95 per hour (24 h), success rate, trend and prediction",
        tags: ['providers'],
        params: ProviderIdParamsSchema,
        response: { 200: ProviderPerformanceSchema, 400: ProblemDetailsSchema },
      },
    },
    async (request): Promise<ProviderPerformanceView> => deps.service.providerPerformance(request.params.id),
  );
}
