import { z } from 'zod';

/** How a provider's calls are priced in the config file (`providers.<id>.costModel`). */
const CostModelSchema = z
  .object({
    unit: z.enum(['free', 'token_1k', 'character', 'image', 'video_second', 'audio_second', 'request']),
    usdPerUnit: z.number().min(0),
    outputUsdPerUnit: z.number().min(0).optional(),
  })
  .strict();

/** Settings of one networked provider in the config file (`providers.<id>`). */
export const ProviderSettingsSchema = z
  .object({
    enabled: z.boolean().default(true),
    baseUrl: z.string().url().optional(),
    model: z.string().min(1).optional(),
    voice: z.string().min(1).optional(),
    /** Name of the environment variable holding the API key (keys never live in the file). */
    apiKeyEnv: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name')
      .optional(),
    priority: z.number().int().min(1).max(5).optional(),
    costModel: CostModelSchema.optional(),
    timeoutMs: z.number().int().positive().optional(),
    pollIntervalMs: z.number().int().positive().optional(),
    /** Proactive rate limits (docs/rate-limits-and-bulkheads.md). */
    rateLimit: z
      .object({
        requestsPerMinute: z.number().int().positive().optional(),
        tokensPerMinute: z.number().int().positive().optional(),
        /** Longest a call waits for the limit before it is refused as `rate_limit`. */
        maxWaitMs: z.number().int().min(0).optional(),
        /** Window the limits apply to; shorter only to scale tests. */
        windowMs: z.number().int().positive().optional(),
        /** Added to the window when counting (network jitter). Default: 1 % of the window. */
        marginMs: z.number().int().min(0).optional(),
      })
      .strict()
      .optional(),
    /** At most `maxConcurrent` calls at once, a bounded queue; `false` turns a default bulkhead off. */
    bulkhead: z
      .union([
        z.literal(false),
        z
          .object({
            maxConcurrent: z.number().int().min(1).optional(),
            maxQueue: z.number().int().min(0).optional(),
            queueTimeoutMs: z.number().int().positive().optional(),
          })
          .strict(),
      ])
      .optional(),
  })
  .strict();

/** Settings of one provider after loading. */
export type ProviderSettings = z.output<typeof ProviderSettingsSchema>;
