import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { adminGuard } from '../admin-guard.js';
import type { CircuitResponse, GatewayStatsView, ProviderListResponse } from '../api-types.js';
import type { RouteDeps } from '../route-deps.js';
import { parseWith } from '../validate.js';

const PROVIDER_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

const Params = z.object({ id: z.string().regex(PROVIDER_ID, '1–100 characters of A-Z a-z 0-9 . _ : -') });

const CircuitBody = z
  .object({
    action: z.enum(['open', 'close', 'isolate']),
    reason: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

/** `GET /api/providers`, `POST /api/providers/:id/circuit` and `GET /api/gateway/stats`. */
export async function providerRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { service } = deps;

  app.get(
    '/api/providers',
    async (): Promise<ProviderListResponse> => ({
      providers: await service.listProviders(),
    }),
  );

  app.post<{ Params: { id: string } }>(
    '/api/providers/:id/circuit',
    { onRequest: adminGuard(deps.config.apiKeys) },
    async (request): Promise<CircuitResponse> => {
      const { id } = parseWith(Params, request.params, 'provider id');
      const body = parseWith(CircuitBody, request.body, 'circuit request');
      const result = await service.setCircuit(id, body.action, body.reason);
      request.log.info({ provider: id, action: body.action }, 'circuit changed through the API');
      return { provider: id, state: result.state };
    },
  );

  app.get('/api/gateway/stats', async (): Promise<GatewayStatsView> => service.gatewayStats());
}
