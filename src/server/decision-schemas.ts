/** The zod schemas of the API's fallback decisions: the audit trail, the pending decision, answers. */
import { z } from 'zod';
import { FALLBACK_REASONS, type FallbackDecision, STALL_OPTIONS } from '../domain/fallback.js';
import type { PendingDecisionView } from '../jobs/reelay-service.js';
import { documented, isoTime } from './api-schema-helpers.js';

/** A provider switch recorded in a job's audit trail. */
export const FallbackDecisionSchema = documented<FallbackDecision>(
  z.looseObject({
    id: z.string(),
    jobId: z.string(),
    fromProvider: z.string(),
    toProvider: z.string(),
    reason: z.enum(FALLBACK_REASONS),
    elapsedBeforeSwitchMs: z.number(),
    userConfirmed: z.boolean(),
    stages: z.array(z.string()),
    correlationId: z.string(),
    timestamp: isoTime,
    context: z.string(),
    errorCategory: z.string().optional(),
  }),
);

/** Body of `GET /api/jobs/{id}/decisions`. */
export const DecisionListResponseSchema = z.object({
  jobId: z.string(),
  decisions: z.array(FallbackDecisionSchema),
});

/** A decision waiting for a person's answer. */
export const PendingDecisionViewSchema = documented<PendingDecisionView>(
  z.looseObject({
    decisionId: z.string(),
    jobId: z.string(),
    stage: z.string(),
    provider: z.string(),
    trigger: z.enum(['stall', 'error']),
    options: z.array(z.enum(STALL_OPTIONS)),
    alternatives: z.array(
      z.object({ provider: z.string(), score: z.number(), reasons: z.array(z.string()) }),
    ),
    requestedAt: isoTime,
  }),
);

/** Body of `GET /api/jobs/{id}/decisions/pending`. */
export const PendingDecisionResponseSchema = z.object({
  jobId: z.string(),
  pending: PendingDecisionViewSchema.nullable(),
});

/** Body of `POST /api/jobs/{id}/decisions`. */
export const DecisionAnswerSchema = z
  .object({
    option: z.enum(STALL_OPTIONS),
    provider: z.string().trim().min(1).max(100).optional().describe('Required for try_alternative'),
    decisionId: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('When given, must match the pending decision'),
  })
  .strict()
  .refine((a) => a.option !== 'try_alternative' || a.provider !== undefined, {
    message: 'required when option is try_alternative: the provider id to switch to',
    path: ['provider'],
  })
  .describe('decision answer');

/** Body of `200` from `POST /api/jobs/{id}/decisions`. */
export const DecisionAnsweredResponseSchema = z.object({ jobId: z.string(), answered: DecisionAnswerSchema });
