import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { STALL_OPTIONS } from '../../domain/fallback.js';
import type { JobStatus } from '../../jobs/job-record.js';
import type {
  DecisionAnsweredResponse,
  DecisionListResponse,
  JobListResponse,
  PendingDecisionResponse,
} from '../api-types.js';
import { parseJobId, requireJob, toStatusView } from '../job-views.js';
import type { RouteDeps } from '../route-deps.js';
import { parseWith } from '../validate.js';

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

const ListQuery = z.object({
  status: z
    .string()
    .refine((s) => s in STATUS_FILTER, 'one of pending, processing, completed, failed, canceled')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().min(1).max(200).optional(),
});

const AnswerBody = z
  .object({
    option: z.enum(STALL_OPTIONS),
    provider: z.string().trim().min(1).max(100).optional(),
    decisionId: z.string().trim().min(1).max(200).optional(),
  })
  .strict()
  .refine((a) => a.option !== 'try_alternative' || a.provider !== undefined, {
    message: 'required when option is try_alternative: the provider id to switch to',
    path: ['provider'],
  });

/**
 * `GET /api/jobs` (paged), `GET /api/jobs/:id/decisions` (audit trail),
 * `GET /api/jobs/:id/decisions/pending` and `POST /api/jobs/:id/decisions` (answer).
 */
export async function jobRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { service } = deps;

  app.get('/', async (request): Promise<JobListResponse> => {
    const q = parseWith(ListQuery, request.query, 'job list query');
    const page = await service.listJobs({
      ...(q.status ? { status: STATUS_FILTER[q.status] } : {}),
      ...(q.limit ? { limit: q.limit } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
    return { items: page.items.map((job) => toStatusView(job)), nextCursor: page.nextCursor };
  });

  app.get<{ Params: { id: string } }>('/:id/decisions', async (request): Promise<DecisionListResponse> => {
    const id = parseJobId(request.params.id);
    await requireJob(service, id);
    return { jobId: id, decisions: await service.decisions(id) };
  });

  app.get<{ Params: { id: string } }>(
    '/:id/decisions/pending',
    async (request): Promise<PendingDecisionResponse> => {
      const id = parseJobId(request.params.id);
      await requireJob(service, id);
      return { jobId: id, pending: await service.pendingDecision(id) };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/:id/decisions',
    async (request): Promise<DecisionAnsweredResponse> => {
      const id = parseJobId(request.params.id);
      const answer = parseWith(AnswerBody, request.body, 'decision answer');
      await requireJob(service, id);
      await service.answerDecision(id, answer);
      request.log.info({ jobId: id, option: answer.option, provider: answer.provider }, 'decision answered');
      return { jobId: id, answered: answer };
    },
  );
}
