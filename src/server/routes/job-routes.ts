import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { JobStatus } from '../../jobs/job-record.js';
import {
  DecisionAnsweredResponseSchema,
  DecisionAnswerSchema,
  DecisionListResponseSchema,
  JobIdParamsSchema,
  JobListQuerySchema,
  JobListResponseSchema,
  PendingDecisionResponseSchema,
  ProblemDetailsSchema,
} from '../api-schemas.js';
import type {
  DecisionAnsweredResponse,
  DecisionListResponse,
  JobListResponse,
  PendingDecisionResponse,
} from '../api-types.js';
import { parseJobId, requireJob, toStatusView } from '../job-views.js';
import { listVisibleJobs } from '../owned-jobs.js';
import type { RouteDeps } from '../route-deps.js';

/** API status words (and internal names) accepted by `?status=`. */
const STATUS_FILTER: Readonly<Record<string, JobStatus>> = {
  pending: 'queued',
  processing: 'running',
  completed: 'done',
  failed: 'failed',
  canceled: 'canceled',
  queued: 'queued',
  running: 'running',
  done: 'done',
};

/**
 * `GET /api/jobs` (paged), `GET /api/jobs/:id/decisions` (audit trail),
 * `GET /api/jobs/:id/decisions/pending` and `POST /api/jobs/:id/decisions` (answer).
 */
export async function jobRoutes(fastify: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { service } = deps;
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['jobs'];
  const notFound = { 404: ProblemDetailsSchema };

  const listSchema = {
    summary: 'List jobs, newest first, a page at a time',
    tags,
    querystring: JobListQuerySchema,
    response: { 200: JobListResponseSchema, 400: ProblemDetailsSchema },
  };
  app.get('/', { schema: listSchema }, async (request): Promise<JobListResponse> => {
    const q = request.query;
    const page = await listVisibleJobs(service, request.principal, {
      ...(q.status ? { status: STATUS_FILTER[q.status] } : {}),
      ...(q.limit ? { limit: q.limit } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
    return { items: page.items.map((job) => toStatusView(job)), nextCursor: page.nextCursor };
  });

  const decisionsSchema = {
    summary: "A job's provider switches (audit trail)",
    tags,
    params: JobIdParamsSchema,
    response: { 200: DecisionListResponseSchema, ...notFound },
  };
  app.get('/:id/decisions', { schema: decisionsSchema }, async (request): Promise<DecisionListResponse> => {
    const id = parseJobId(request.params.id);
    await requireJob(service, id, request.principal);
    return { jobId: id, decisions: await service.decisions(id) };
  });

  const pendingSchema = {
    summary: 'The decision waiting for an answer, if any',
    tags,
    params: JobIdParamsSchema,
    response: { 200: PendingDecisionResponseSchema, ...notFound },
  };
  app.get(
    '/:id/decisions/pending',
    { schema: pendingSchema },
    async (request): Promise<PendingDecisionResponse> => {
      const id = parseJobId(request.params.id);
      await requireJob(service, id, request.principal);
      return { jobId: id, pending: await service.pendingDecision(id) };
    },
  );

  const answerSchema = {
    summary: 'Answer the pending decision',
    tags,
    params: JobIdParamsSchema,
    body: DecisionAnswerSchema,
    response: { 200: DecisionAnsweredResponseSchema, 400: ProblemDetailsSchema, ...notFound },
  };
  app.post('/:id/decisions', { schema: answerSchema }, async (request): Promise<DecisionAnsweredResponse> => {
    const id = parseJobId(request.params.id);
    const answer = request.body;
    await requireJob(service, id, request.principal);
    await service.answerDecision(id, answer);
    request.log.info({ jobId: id, option: answer.option, provider: answer.provider }, 'decision answered');
    return { jobId: id, answered: answer };
  });
}
