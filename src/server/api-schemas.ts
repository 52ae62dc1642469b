/**
 * The zod schemas of the HTTP API: the routes use them as their Fastify schemas (request
 * validation), `api-types.ts` infers the TypeScript types from them, and `/openapi.json` is
 * generated from them — one definition, no hand-kept copy to drift.
 */
import { z } from 'zod';
import type { FailureDetails } from '../domain/events.js';
import { FALLBACK_POLICIES } from '../domain/fallback.js';
import type { GatewayStatsView, ProviderInfo } from '../jobs/reelay-service.js';
import { VideoRequestSchema } from '../pipeline/video-request.js';

import { documented, isoTime, nullableIso } from './api-schema-helpers.js';

export * from './decision-schemas.js';

/** An API job status. */
export const ApiJobStatusSchema = z.enum(['pending', 'processing', 'completed', 'failed', 'canceled']);

/** One invalid field of a request, as listed in a problem's `errors`. */
export const ProblemFieldSchema = z.object({
  field: z.string().describe('Dotted path, e.g. `options.fps`, or `(body)` for the body as a whole'),
  message: z.string(),
});

/** A readiness report's checks. */
export const ReadinessChecksSchema = z.record(z.string(), z.object({ ok: z.boolean(), message: z.string() }));

/** An RFC 9457 problem details body (`application/problem+json`), with Reelay's extensions. */
export const ProblemDetailsSchema = z
  .object({
    type: z.string().describe('https://reelay.dev/problems/<code in kebab case without REELAY_ERR_>'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().describe('The request URL that failed'),
    code: z.string().describe('Stable Reelay error code, REELAY_ERR_…'),
    correlationId: z.string(),
    timestamp: isoTime,
    errors: z.array(ProblemFieldSchema).optional().describe('Invalid fields, for validation errors'),
    checks: ReadinessChecksSchema.optional().describe('Readiness checks, on a 503 from /health/ready'),
  })
  .meta({ id: 'ProblemDetails' });

/** The body of `POST /api/video/generate` (defaults applied by the server). */
export const GenerateRequestSchema = VideoRequestSchema.meta({
  id: 'GenerateRequest',
  description: 'video request',
});

/** Body of `202` from `POST /api/video/generate`. */
export const GenerateResponseSchema = z.object({
  jobId: z.string(),
  status: ApiJobStatusSchema,
  videoUrl: z.string().describe('Where the video will be downloadable once the job completes'),
  createdAt: isoTime,
  correlationId: z.string(),
});

/** A completed pipeline step of a job. */
export const StepViewSchema = z.object({
  stepId: z.string(),
  sizeBytes: z.number(),
  sha256: z.string(),
  completedAt: isoTime,
});

/** The rendered output as the API shows it (server file paths are never exposed). */
export const OutputViewSchema = z.object({
  durationSeconds: z.number(),
  sizeBytes: z.number(),
  width: z.number(),
  height: z.number(),
});

/** Links of a job's resources. */
export const JobLinksSchema = z.object({
  self: z.string(),
  stream: z.string(),
  download: z.string(),
  metadata: z.string(),
  cancel: z.string(),
  decisions: z.string(),
});

/** A job's final error. */
export const FailureDetailsSchema = documented<FailureDetails>(
  z.looseObject({
    code: z.string(),
    message: z.string(),
    stage: z.string().optional(),
    provider: z.string().optional(),
    category: z.string().optional(),
    retryable: z.boolean(),
    correlationId: z.string().optional(),
    attempts: z.array(z.looseObject({ provider: z.string(), attempt: z.number() })).optional(),
  }),
);

/** Body of `GET /api/video/{id}/status` (and of cancel, and the items of `GET /api/jobs`). */
export const JobStatusViewSchema = z
  .object({
    jobId: z.string(),
    status: ApiJobStatusSchema,
    percent: z.number().describe('Overall progress 0–100'),
    stage: z.string().nullable(),
    message: z.string(),
    etaSeconds: z.number().nullable(),
    fallbackPolicy: z.enum(FALLBACK_POLICIES),
    attempts: z.number(),
    steps: z.array(StepViewSchema).describe('Completed steps; empty in job lists'),
    error: FailureDetailsSchema.nullable(),
    output: OutputViewSchema.nullable(),
    videoUrl: z.string().nullable().describe('Download URL once completed (and not pruned), else null'),
    videoPrunedAt: nullableIso
      .optional()
      .describe('When retention deleted the video (download then answers 410); else null'),
    submittedBy: z
      .string()
      .nullable()
      .optional()
      .describe('Owner name of the API key that submitted the job; null without keys'),
    correlationId: z.string(),
    createdAt: isoTime,
    startedAt: nullableIso,
    finishedAt: nullableIso,
    links: JobLinksSchema,
  })
  .meta({ id: 'JobStatus' });

/** Body of `GET /api/jobs`. */
export const JobListResponseSchema = z.object({
  items: z.array(JobStatusViewSchema),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
});

/** Body of `GET /api/video/{id}/metadata`, read from the rendered file with ffprobe. */
export const VideoMetadataSchema = z.object({
  jobId: z.string(),
  durationSeconds: z.number(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  codec: z.string().nullable(),
  fps: z.number().nullable(),
  sizeBytes: z.number(),
  audioCodec: z.string().nullable(),
  formatName: z.string(),
  artifacts: z.array(z.string()).describe("File names (not paths) of the job's artifacts"),
  createdAt: isoTime,
  startedAt: nullableIso,
  finishedAt: nullableIso,
});

/** What the API reports about one provider. */
export const ProviderInfoSchema = documented<ProviderInfo>(
  z.looseObject({
    id: z.string(),
    displayName: z.string(),
    kind: z.string(),
    profileType: z.string(),
    priority: z.number(),
    offline: z.boolean(),
    health: z.looseObject({ healthy: z.boolean(), latencyMs: z.number() }).nullable(),
    breaker: z.looseObject({ state: z.string(), reason: z.string().optional() }),
    latency: z.looseObject({ calls: z.number(), successRate: z.number().nullable() }),
    score: z.looseObject({ total: z.number(), reasons: z.array(z.string()) }).nullable(),
    limits: z
      .looseObject({
        bulkhead: z
          .looseObject({ inUse: z.number(), queued: z.number(), rejected: z.number() })
          .nullable()
          .describe('Call slots in use, calls queued, calls refused; null without a bulkhead'),
        rateLimit: z
          .looseObject({
            remainingRequests: z.number().nullable(),
            remainingTokens: z.number().nullable(),
            waiting: z.number(),
            waitedMsTotal: z.number(),
            rejected: z.number(),
          })
          .nullable()
          .describe('Room left in the rate window, calls waiting, total wait; null without a limit'),
      })
      .optional(),
  }),
);

/** Body of `GET /api/providers`. */
export const ProviderListResponseSchema = z.object({ providers: z.array(ProviderInfoSchema) });

/** Body of `POST /api/providers/{id}/circuit`. */
export const CircuitRequestSchema = z
  .object({
    action: z.enum(['open', 'close', 'isolate']),
    reason: z.string().trim().min(1).max(200).optional(),
  })
  .strict()
  .describe('circuit request');

/** Answer of `POST /api/providers/{id}/circuit`. */
export const CircuitResponseSchema = z.object({ provider: z.string(), state: z.string() });

/** Body of `GET /api/gateway/stats`. */
export const GatewayStatsViewSchema = documented<GatewayStatsView>(
  z.looseObject({
    activeLocks: z.number(),
    activeOperations: z.number(),
    totalFallbackDecisions: z.number(),
    userRequested: z.number(),
    errorTriggered: z.number(),
    byReason: z.record(z.string(), z.number()),
  }),
);

/** Body of `POST /api/video/{id}/cancel`. */
export const CancelRequestSchema = z
  .object({ reason: z.string().trim().min(1).max(200).optional() })
  .strict()
  .describe('cancel request');

/** Job id path parameter (syntax checked by the route, which names the field in its problem). */
export const JobIdParamsSchema = z.object({
  id: z.string().describe('A jobId returned by POST /api/video/generate'),
});

/** Provider id path parameter. */
export const ProviderIdParamsSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, '1–100 characters of A-Z a-z 0-9 . _ : -'),
  })
  .describe('provider id');

/** Query of `GET /api/jobs`. */
export const JobListQuerySchema = z
  .object({
    status: z
      .enum(['pending', 'processing', 'completed', 'failed', 'canceled', 'queued', 'running', 'done'], {
        error: 'one of pending, processing, completed, failed, canceled',
      })
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    cursor: z.string().min(1).max(200).optional(),
  })
  .describe('job list query');

/** Body of `GET /health/live`. */
export const LiveResponseSchema = z.object({ status: z.literal('ok'), timestamp: isoTime });

/** Body of `200` from `GET /health/ready`. */
export const ReadyResponseSchema = z.object({
  status: z.literal('ready'),
  checks: ReadinessChecksSchema,
  timestamp: isoTime,
});
