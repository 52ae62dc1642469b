import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { toApiStatus } from '../../jobs/job-record.js';
import type { GenerateResponse, JobStatusView } from '../api-types.js';
import { jobLinks, parseJobId, requireJob, toStatusView } from '../job-views.js';
import { generateRateLimit } from '../rate-limit.js';
import type { RouteDeps } from '../route-deps.js';
import { parseWith } from '../validate.js';

const CancelBody = z.object({ reason: z.string().trim().min(1).max(200).optional() }).strict();

/**
 * `POST /generate` (202 + Location, rate limited per client), `GET /:id/status` and
 * `POST /:id/cancel`, under the `/api/video` prefix.
 */
export async function videoRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { service } = deps;

  app.post(
    '/generate',
    { config: generateRateLimit(deps.config) },
    async (request, reply): Promise<GenerateResponse> => {
      const job = await service.submit(request.body, { correlationId: request.id });
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

  app.get<{ Params: { id: string } }>('/:id/status', async (request): Promise<JobStatusView> => {
    const id = parseJobId(request.params.id);
    const job = await requireJob(service, id);
    return toStatusView(job, await service.steps(id));
  });

  app.post<{ Params: { id: string } }>('/:id/cancel', async (request): Promise<JobStatusView> => {
    const id = parseJobId(request.params.id);
    const { reason } = parseWith(CancelBody, request.body, 'cancel request');
    await requireJob(service, id);
    const job = await service.cancel(id, reason ?? 'canceled through the API');
    request.log.info({ jobId: id }, 'job canceled');
    return toStatusView(job, await service.steps(id));
  });
}
