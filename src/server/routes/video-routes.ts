import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ReelayError } from '../../domain/errors.js';
import { toApiStatus } from '../../jobs/job-record.js';
import type { GenerateResponse, JobStatusView } from '../api-types.js';
import { jobLinks, parseJobId, requireJob, toStatusView } from '../job-views.js';
import type { RouteDeps } from '../route-deps.js';
import { parseWith } from '../validate.js';

const CancelBody = z.object({ reason: z.string().trim().min(1).max(200).optional() }).strict();

/**
 * `POST /generate` (202 + Location, rate limited per client), `GET /:id/status` and
 * `POST /:id/cancel`, under the `/api/video` prefix.
 */
export async function videoRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { service, generateLimiter } = deps;

  app.post(
    '/generate',
    {
      onRequest: async (request) => {
        const verdict = generateLimiter.take(request.clientKey);
        if (verdict.allowed) return;
        throw new ReelayError(
          'REELAY_ERR_RATE_LIMITED',
          `Too many generation requests: the limit is ${deps.config.generateRatePerMinute} per minute per client; ` +
            `retry in ${Math.ceil(verdict.retryAfterMs / 1000)} s.`,
          { retryAfterMs: verdict.retryAfterMs, retryable: true },
        );
      },
    },
    async (request, reply): Promise<GenerateResponse> => {
      const key = request.headers['idempotency-key'];
      const job = await service.submit(request.body, {
        correlationId: request.id,
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
