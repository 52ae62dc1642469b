import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { API_KEY_SCOPES } from '../../domain/access.js';
import { ProblemDetailsSchema } from '../api-schemas.js';
import type { RouteDeps } from '../route-deps.js';

/** Body of `GET /api/auth/whoami`. */
export const WhoAmIResponseSchema = z
  .object({
    name: z.string().nullable().describe("The key's owner name; null for an anonymous caller (no keys set)"),
    scopes: z.array(z.enum(API_KEY_SCOPES)).describe('Effective scopes (admin includes submit and read)'),
    authRequired: z.boolean().describe('True when the server requires an API key'),
  })
  .meta({ id: 'WhoAmI' });

/** Body of `GET /api/auth/whoami`. */
export type WhoAmIResponse = z.output<typeof WhoAmIResponseSchema>;

/**
 * `GET /api/auth/whoami`: who the presented key belongs to and what it may do — the web UI shows
 * or disables its controls from it. Any valid key may call it; it never echoes the key.
 */
export async function authRoutes(fastify: FastifyInstance, deps: RouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/auth/whoami',
    {
      schema: {
        summary: 'The caller: owner name and scopes of the API key',
        tags: ['auth'],
        response: { 200: WhoAmIResponseSchema, 401: ProblemDetailsSchema },
      },
    },
    async (request): Promise<WhoAmIResponse> => ({
      name: request.principal.name,
      scopes: API_KEY_SCOPES.filter((s) => request.principal.scopes.has(s)),
      authRequired: deps.config.apiKeys.length > 0,
    }),
  );
}
