import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { toApiStatus } from '../../jobs/job-record.js';
import {
  CancelRequestSchema,
  GenerateRequestSchema,
  GenerateResponseSchema,
  JobIdParamsSchema,
  JobStatusViewSchema,
  ProblemDetailsSchema,
} from '../api-schemas.js';
import type { GenerateResponse, JobStatusView } from '../api-types.js';
import { jobLinks, parseJobId, requireJob, toStatusView } from '../job-views.js';
import { generateRateLimit } from '../rate-limit.js';
import type { RouteDeps } from '../route-deps.js';

/**
 * `POST /generate` (202 + Location, rate limited per client), `GET /:id/status` and
 * `POST /:id/cancel`, under the `/api/video` prefix.
 */
export async function videoRoutes(fastify: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { service } = deps;
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/generate',
    {
      config: generateRateLimit(deps.config),
      schema: {
        summary: 'Queue a video generation',
        tags: ['video'],
        body: GenerateRequestSchema,
        response: {
          202: GenerateResponseSchema,
          400: ProblemDetailsSchema,
          429: ProblemDetailsSchema.describe('Rate limited; see Retry-After and RateLimit-*'),
        },
      },
    },
    async (request, reply): Promise<GenerateResponse> => {
      const key = request.headers['idempotency-key'];
      const job = await service.submit(request.body, {
        correlationId: request.id,
        submittedBy: request.principal.name,
        ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
      });
      const links = jobLinks(job.id);
      request.log.info({ jobId: job.id }, 'job submitted');
      reply.code(202).header('location', links.self);
      return {
        jobId: job.id,
        status: toApiStatus(job.status),
        videoUrl: links.download,
        createdAt: job.createdAt,
        correlationId: job.correlationId,
      };
    },
  );

  const jobSchema = (summary: string) => ({
    summary,
    tags: ['video'],
    params: JobIdParamsSchema,
    response: { 200: JobStatusViewSchema, 404: ProblemDetailsSchema },
  });

  app.get(
    '/:id/status',
    { schema: jobSchema('Status of a job') },
    async (request): Promise<JobStatusView> => {
      const id = parseJobId(request.params.id);
      const job = await requireJob(service, id, request.principal);
      return toStatusView(job, await service.steps(id));
    },
  );

  const cancelSchema = { ...jobSchema('Cancel a job'), body: CancelRequestSchema };
  app.post('/:id/cancel', { schema: cancelSchema }, async (request): Promise<JobStatusView> => {
    const id = parseJobId(request.params.id);
    const { reason } = request.body;
    await requireJob(service, id, request.principal);
    const job = await service.cancel(id, reason ?? 'canceled through the API');
    request.log.info({ jobId: id }, 'job canceled');
    return toStatusView(job, await service.steps(id));
  });
}
