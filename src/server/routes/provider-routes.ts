import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  CircuitRequestSchema,
  CircuitResponseSchema,
  GatewayStatsViewSchema,
  ProblemDetailsSchema,
  ProviderIdParamsSchema,
  ProviderListResponseSchema,
} from '../api-schemas.js';
import type { CircuitResponse, GatewayStatsView, ProviderListResponse } from '../api-types.js';
import type { RouteDeps } from '../route-deps.js';

/** `GET /api/providers`, `POST /api/providers/:id/circuit` and `GET /api/gateway/stats`. */
export async function providerRoutes(fastify: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { service } = deps;
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['providers'];

  app.get(
    '/api/providers',
    {
      schema: {
        summary: 'Providers with health, breaker, latency and score',
        tags,
        response: { 200: ProviderListResponseSchema },
      },
    },
    async (): Promise<ProviderListResponse> => ({
      providers: await service.listProviders(),
    }),
  );

  const circuitSchema = {
    summary: "Open, close or isolate a provider's circuit breaker",
    tags,
    params: ProviderIdParamsSchema,
    body: CircuitRequestSchema,
    response: { 200: CircuitResponseSchema, 400: ProblemDetailsSchema, 404: ProblemDetailsSchema },
  };
  app.post(
    '/api/providers/:id/circuit',
    { schema: circuitSchema },
    async (request): Promise<CircuitResponse> => {
      const { id } = request.params;
      const body = request.body;
      const result = await service.setCircuit(id, body.action, body.reason);
      request.log.info({ provider: id, action: body.action }, 'circuit changed through the API');
      return { provider: id, state: result.state };
    },
  );

  app.get(
    '/api/gateway/stats',
    { schema: { summary: 'Gateway statistics', tags, response: { 200: GatewayStatsViewSchema } } },
    async (): Promise<GatewayStatsView> => service.gatewayStats(),
  );
}
