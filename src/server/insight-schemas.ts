/**
 * Zod schemas of the provider performance and budget endpoints (their Fastify schemas and the
 * OpenAPI document are generated from them).
 */
import { z } from 'zod';
import type { BudgetsView, ProviderPerformanceView } from '../jobs/reelay-service.js';

/** A schema for a shape owned by the jobs layer; the static type stays its interface. */
function documented<T>(schema: z.ZodType): z.ZodType<T> {
  return schema as z.ZodType<T>;
}

/** Body of `GET /api/providers/{id}/performance`. */
export const ProviderPerformanceSchema = documented<ProviderPerformanceView>(
  z.looseObject({
    provider: z.string(),
    window: z.literal('24h'),
    series: z
      .array(
        z.looseObject({
          hour: z.string().describe('Start of the UTC hour, ISO-8601'),
          calls: z.number(),
          successRate: z.number(),
          p50Ms: z.number(),
          p95Ms: z.number(),
        }),
      )
      .describe('Hours of the last 24 h that had calls, oldest first'),
    calls: z.number(),
    successRate: z.number().nullable(),
    p50Ms: z.number().nullable(),
    p95Ms: z.number().nullable(),
    trend: z
      .looseObject({
        direction: z.enum(['improving', 'degrading', 'stable']),
        changePct: z.number(),
        confidence: z.number().describe('R² of a line through the hourly means, 0–1'),
        points: z.number(),
      })
      .describe('Latency trend; improving means latency falls'),
    prediction: z
      .looseObject({
        failureRate: z.number(),
        responseTimeMs: z.number(),
        optimalLoad: z.number(),
        confidence: z.number(),
        samples: z.number(),
      })
      .nullable()
      .describe('From the recent calls; null with fewer than 10'),
  }),
);

/** Body of `GET /api/budgets`. */
export const BudgetsResponseSchema = documented<BudgetsView>(
  z.looseObject({
    budgets: z.array(
      z.looseObject({
        scope: z.enum(['job', 'provider']),
        subject: z.string().nullable().describe('Provider id or job id; null for the per-job limit itself'),
        period: z.enum(['job', 'day', 'month']),
        limitUsd: z.number(),
        spentUsd: z.number(),
        remainingUsd: z.number(),
      }),
    ),
    spend: z.array(z.looseObject({ provider: z.string(), dayUsd: z.number(), monthUsd: z.number() })),
  }),
);
