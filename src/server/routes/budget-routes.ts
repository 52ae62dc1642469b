import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { BudgetsView } from '../../jobs/reelay-service.js';
import { BudgetsResponseSchema } from '../insight-schemas.js';
import type { RouteDeps } from '../route-deps.js';

/** `GET /api/budgets`: configured limits (per job, per provider per UTC day and month) with spend. */
export async function budgetRoutes(fastify: FastifyInstance, deps: RouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/budgets',
    {
      schema: {
        summary: 'Budgets with spent so far and remaining, and spend per provider',
        tags: ['providers'],
        response: { 200: BudgetsResponseSchema },
      },
    },
    async (): Promise<BudgetsView> => deps.service.budgets(),
  );
}
