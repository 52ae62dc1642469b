import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ReelayError } from '../../domain/errors.js';

/** The protocols the simulator speaks. */
export const SIM_PROTOCOLS = ['openai', 'ollama', 'elevenlabs', 'sdwebui'] as const;

/** One of {@link SIM_PROTOCOLS}. */
export type SimProtocol = (typeof SIM_PROTOCOLS)[number];

const base = {
  /** Only requests for this model (OpenAI/Ollama `model`, ElevenLabs voice id). */
  model: z.string().min(1).optional(),
  /** Only requests of this protocol. */
  protocol: z.enum(SIM_PROTOCOLS).optional(),
  /** Skip the first N matching requests. @default 0 */
  after: z.number().int().min(0).optional(),
  /** Apply to at most N matching requests (after `after`); absent = every one. */
  times: z.number().int().min(1).optional(),
};

const ms = z.number().int().min(0);

/** One scripted fault. Faults of one request combine (e.g. latency + cut). */
export const FaultSchema = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('latency'), ms }).strict(),
  z.object({ ...base, kind: z.literal('slow_first_token'), ms }).strict(),
  z
    .object({ ...base, kind: z.literal('stall'), afterChunks: z.number().int().min(0), ms: ms.optional() })
    .strict(),
  z.object({ ...base, kind: z.literal('cut'), afterChunks: z.number().int().min(0) }).strict(),
  z
    .object({ ...base, kind: z.literal('rate_limit'), retryAfterSeconds: z.number().min(0).optional() })
    .strict(),
  z
    .object({
      ...base,
      kind: z.literal('server_error'),
      status: z.number().int().min(500).max(599).default(500),
    })
    .strict(),
  z.object({ ...base, kind: z.literal('reset') }).strict(),
  z.object({ ...base, kind: z.literal('silent') }).strict(),
  z.object({ ...base, kind: z.literal('malformed'), atChunk: z.number().int().min(0).default(1) }).strict(),
  z.object({ ...base, kind: z.literal('missing_done') }).strict(),
  z.object({ ...base, kind: z.literal('omit_usage') }).strict(),
  z.object({ ...base, kind: z.literal('flapping'), upMs: ms, downMs: ms }).strict(),
  z
    .object({
      ...base,
      kind: z.literal('context_length'),
      maxPromptChars: z.number().int().min(0).optional(),
    })
    .strict(),
  z.object({ ...base, kind: z.literal('content_policy') }).strict(),
  z.object({ ...base, kind: z.literal('reject_prefill') }).strict(),
]);

/** One scripted fault (see the README's "Fault simulator" section). */
export type Fault = z.output<typeof FaultSchema>;

/** A tool call a model answers with (to requests that offer `tools`). */
const ToolCallSchema = z
  .object({
    /** The function's name. */
    name: z.string().min(1),
    /** The arguments as the JSON text the model writes; streamed in 8-character pieces. */
    arguments: z.string(),
  })
  .strict();

/** How a model answers when no fault interferes. */
const ModelSchema = z
  .object({
    /** The full answer text; streamed word by word. */
    reply: z.string().optional(),
    /** Answer requests that carry `tools` with this tool call instead of text. */
    toolCall: ToolCallSchema.optional(),
    /** Delay between stream chunks. */
    chunkDelayMs: ms.optional(),
  })
  .strict();

/** A scenario file: the models' answers and the scripted faults. */
export const ScenarioSchema = z
  .object({
    /** Answer of models not listed in `models`. */
    reply: z.string().default('The quick brown fox jumps over the lazy dog.'),
    /** Delay between stream chunks. @default 0 */
    chunkDelayMs: ms.default(0),
    /** Per-model answers. */
    models: z.record(z.string(), ModelSchema).default({}),
    /** Scripted faults, checked in order for every request. */
    faults: z.array(FaultSchema).default([]),
  })
  .strict();

/** A scripted tool call (see `models.<name>.toolCall`). */
export type SimToolCall = z.output<typeof ToolCallSchema>;

/** A parsed scenario. */
export type Scenario = z.output<typeof ScenarioSchema>;

/** A scenario as written (defaults optional). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;

/** Validates a scenario object. @throws ReelayError `REELAY_ERR_CONFIG` naming the field. */
export function parseScenario(raw: unknown, source = 'scenario'): Scenario {
  const result = ScenarioSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new ReelayError(
      'REELAY_ERR_CONFIG',
      `The ${source} is invalid — ${problems}; fix the file and retry.`,
    );
  }
  return result.data;
}

/** Reads and validates a scenario file (JSON). */
export function loadScenarioFile(path: string): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ReelayError(
      'REELAY_ERR_CONFIG',
      `Scenario file ${path} cannot be read as JSON (${(error as Error).message}); check the path and syntax.`,
      { cause: error },
    );
  }
  return parseScenario(raw, `scenario file ${path}`);
}
