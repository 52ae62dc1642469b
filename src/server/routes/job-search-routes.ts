import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { canAccessJob } from '../../domain/access.js';
import type { JobRecord, JobStatus } from '../../jobs/job-record.js';
import type { ReelayService } from '../../jobs/reelay-service.js';
import type { JobStatusView } from '../api-types.js';
import { toStatusView } from '../job-views.js';
import type { RouteDeps } from '../route-deps.js';
import { parseWith } from '../validate.js';

const STATUS: Readonly<Record<string, JobStatus>> = {
  pending: 'queued',
  processing: 'running',
  completed: 'done',
  failed: 'failed',
  canceled: 'canceled',
};

/** Most jobs one search reads (newest first); `truncated` says when older ones were not read. */
export const SEARCH_SCAN_LIMIT = 1000;

const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO-8601 date, e.g. 2026-12-01');

const SearchQuery = z.object({
  q: z.string().trim().max(200).optional(),
  status: z
    .string()
    .refine((s) => s in STATUS, 'one of pending, processing, completed, failed, canceled')
    .optional(),
  provider: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'a provider id')
    .optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** One job found by `GET /api/jobs/search`: its status view, its brief and its providers. */
export type JobSearchItem = JobStatusView & {
  brief: string;
  /** Providers chosen in the request, per stage kind. */
  requestedProviders: Record<string, string>;
};

/** Body of `GET /api/jobs/search`. */
export interface JobSearchResponse {
  items: JobSearchItem[];
  /** Jobs read to answer. */
  scanned: number;
  /** True when older jobs were not read ({@link SEARCH_SCAN_LIMIT}) or more matches exist. */
  truncated: boolean;
}

function requestedProviders(job: JobRecord): Record<string, string> {
  const chosen = job.request.providers;
  const out: Record<string, string> = {};
  if (chosen && typeof chosen === 'object') {
    for (const [kind, id] of Object.entries(chosen)) if (typeof id === 'string') out[kind] = id;
  }
  return out;
}

/** True when the job asked for the provider or one of its calls or switches used it. */
async function usedProvider(service: ReelayService, job: JobRecord, provider: string): Promise<boolean> {
  if (Object.values(requestedProviders(job)).includes(provider)) return true;
  const events = await service.readEvents(job.id, 0, 5000);
  return events.some(
    (e) =>
      ((e.type === 'stage-started' || e.type === 'request-start') && e.provider === provider) ||
      (e.type === 'fallback-decision' && e.decision.toProvider === provider),
  );
}

/**
 * `GET /api/jobs/search?q=&status=&provider=&from=&to=&limit=` under `/api/jobs`: the newest jobs
 * whose brief contains `q` (case-insensitive), with a status, that used a provider, created
 * between two dates (`to` is inclusive of its whole day when it is a bare date).
 */
export async function jobSearchRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { service } = deps;

  app.get('/search', async (request): Promise<JobSearchResponse> => {
    const q = parseWith(SearchQuery, request.query, 'job search query');
    const needle = q.q?.toLowerCase() ?? '';
    const from = q.from ? Date.parse(q.from) : Number.NEGATIVE_INFINITY;
    const toBase = q.to ? Date.parse(q.to) : Number.POSITIVE_INFINITY;
    const to = q.to && /^\d{4}-\d{2}-\d{2}$/.test(q.to) ? toBase + 86_400_000 - 1 : toBase;
    const items: JobSearchItem[] = [];
    let scanned = 0;
    let cursor: string | undefined;
    let more = true;
    while (more && scanned < SEARCH_SCAN_LIMIT && items.length < q.limit) {
      const page = await service.listJobs({
        ...(q.status ? { status: STATUS[q.status] } : {}),
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      for (const job of page.items) {
        scanned += 1;
        if (items.length >= q.limit) break;
        if (!canAccessJob(request.principal, job.submittedBy)) continue;
        const brief = typeof job.request.brief === 'string' ? job.request.brief : '';
        const created = Date.parse(job.createdAt);
        if (needle && !brief.toLowerCase().includes(needle)) continue;
        if (created < from || created > to) continue;
        if (q.provider && !(await usedProvider(service, job, q.provider))) continue;
        items.push({ ...toStatusView(job), brief, requestedProviders: requestedProviders(job) });
      }
      cursor = page.nextCursor ?? undefined;
      more = cursor !== undefined;
    }
    return { items, scanned, truncated: more };
  });
}
