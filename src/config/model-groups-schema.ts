import { z } from 'zod';

const envName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name');
const ms = z.number().int().positive();

/** One deployment of a model group: a model at one OpenAI-compatible base URL. */
export const DeploymentSchema = z
  .object({
    /** Unique id across all groups; responses name it in `model` and `x-reelay-deployment`. */
    id: z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'letters, digits and . _ : - (1–100)'),
    /** Who serves it (free text for display and budgets, e.g. `openai`, `azure`, `ollama`). */
    provider: z.string().min(1),
    /** The upstream model name sent in the request. */
    model: z.string().min(1),
    /** OpenAI-compatible base URL, up to `/v1` (e.g. `https://api.openai.com/v1`). */
    baseUrl: z.string().url(),
    /** Environment variable holding the API key (sent as a bearer token); keys never live in the file. */
    apiKeyEnv: envName.optional(),
    /** Context window in tokens; a `context_length_exceeded` error moves to a larger one. */
    contextWindow: z.number().int().positive().optional(),
    /** Whether the deployment continues an assistant prefill (stream recovery). @default true */
    supportsPrefill: z.boolean().default(true),
    /** Price per 1000 input / output tokens in US dollars. @default free */
    costPer1kInputUsd: z.number().min(0).default(0),
    costPer1kOutputUsd: z.number().min(0).default(0),
  })
  .strict();

/** A model group: the name clients send as `model`, and its ordered deployments. */
export const ModelGroupSchema = z
  .object({
    /** Ordered deployments: the first is the primary. */
    deployments: z.array(DeploymentSchema).min(1),
    /** `auto` switches to the next healthy deployment on a failure; `off` never switches. @default auto */
    policy: z.enum(['auto', 'off']).default('auto'),
    /** Time-to-first-token limit. @default the cloud_llm profile's normal threshold (15000) */
    firstTokenTimeoutMs: ms.optional(),
    /** Longest gap between stream chunks. @default cloud_llm heartbeat × stall multiplier (20000) */
    stallTimeoutMs: ms.optional(),
    /** Limit for a whole non-streaming answer. @default the cloud_llm extended threshold (60000) */
    responseTimeoutMs: ms.optional(),
    /** How long a session keeps its deployment after its last request. @default 3600000 */
    stickyTtlMs: ms.optional(),
    /** Attempts on one deployment before switching (retryable errors only). @default 2 */
    maxAttemptsPerDeployment: z.number().int().min(1).max(5).optional(),
    /** Longest Retry-After honoured on the same deployment; longer waits switch. @default 2000 */
    maxRetryAfterMs: z.number().int().min(0).optional(),
  })
  .strict();

/** `modelGroups` of the config file: group name → group. */
export const ModelGroupsSchema = z.record(z.string().min(1), ModelGroupSchema);

/** One deployment after loading. */
export type DeploymentConfig = z.output<typeof DeploymentSchema>;

/** One model group after loading. */
export type ModelGroupConfig = z.output<typeof ModelGroupSchema>;

/** A deployment as written in the file or passed in code (defaults optional). */
export type ModelGroupInput = z.input<typeof ModelGroupSchema>;
