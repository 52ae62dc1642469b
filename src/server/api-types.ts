/**
 * The JSON shapes of the HTTP API, shared by the server and the client SDK, inferred from the
 * zod schemas in `api-schemas.ts` (which the routes validate with and `/openapi.json` documents).
 * Type-only: nothing here reaches the client bundle at run time.
 */
import type { z } from 'zod';
import type { ApiJobStatus } from '../jobs/job-record.js';
import type {
  GatewayStatsView,
  PendingDecisionView,
  ProviderInfo,
  ReadinessReport,
} from '../jobs/reelay-service.js';
import type {
  CircuitResponseSchema,
  DecisionAnsweredResponseSchema,
  DecisionAnswerSchema,
  DecisionListResponseSchema,
  GenerateResponseSchema,
  JobLinksSchema,
  JobListResponseSchema,
  JobStatusViewSchema,
  OutputViewSchema,
  PendingDecisionResponseSchema,
  ProblemDetailsSchema,
  ProblemFieldSchema,
  ProviderListResponseSchema,
  StepViewSchema,
  VideoMetadataSchema,
} from './api-schemas.js';

export type { ApiJobStatus, GatewayStatsView, PendingDecisionView, ProviderInfo, ReadinessReport };

/** One invalid field of a request, as listed in a problem's `errors`. */
export type ProblemField = z.infer<typeof ProblemFieldSchema>;
/** An RFC 9457 problem details body (`application/problem+json`), with Reelay's extensions. */
export type ProblemDetails = z.infer<typeof ProblemDetailsSchema>;
/** Body of `202` from `POST /api/video/generate`. */
export type GenerateResponse = z.infer<typeof GenerateResponseSchema>;
/** A completed pipeline step of a job. */
export type StepView = z.infer<typeof StepViewSchema>;
/** The rendered output as the API shows it (server file paths are never exposed). */
export type OutputView = z.infer<typeof OutputViewSchema>;
/** Links of a job's resources. */
export type JobLinks = z.infer<typeof JobLinksSchema>;
/** Body of `GET /api/video/{id}/status` (and of cancel, and the items of `GET /api/jobs`). */
export type JobStatusView = z.infer<typeof JobStatusViewSchema>;
/** Body of `GET /api/jobs`. */
export type JobListResponse = z.infer<typeof JobListResponseSchema>;
/** Body of `GET /api/video/{id}/metadata`, read from the rendered file with ffprobe. */
export type VideoMetadata = z.infer<typeof VideoMetadataSchema>;
/** Body of `GET /api/jobs/{id}/decisions`. */
export type DecisionListResponse = z.infer<typeof DecisionListResponseSchema>;
/** Body of `GET /api/jobs/{id}/decisions/pending`. */
export type PendingDecisionResponse = z.infer<typeof PendingDecisionResponseSchema>;
/** Body of `POST /api/jobs/{id}/decisions`. */
export type DecisionAnswer = z.input<typeof DecisionAnswerSchema>;
/** Body of `200` from `POST /api/jobs/{id}/decisions`. */
export type DecisionAnsweredResponse = z.infer<typeof DecisionAnsweredResponseSchema>;
/** Body of `GET /api/providers`. */
export type ProviderListResponse = z.infer<typeof ProviderListResponseSchema>;
/** Body of `POST /api/providers/{id}/circuit`. */
export type CircuitResponse = z.infer<typeof CircuitResponseSchema>;
