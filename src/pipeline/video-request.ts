import { z } from 'zod';
import { HedgeSettingsSchema } from '../config/hedging-schema.js';
import { ReelayError } from '../domain/errors.js';
import { FALLBACK_POLICIES } from '../domain/fallback.js';
import { unstorableFields } from '../domain/storable-text.js';

const ASPECTS = {
  '16:9': '16:9',
  widescreen: '16:9',
  '9:16': '9:16',
  portrait: '9:16',
  '1:1': '1:1',
  square: '1:1',
} as const;
const PACINGS = { chill: 'chill', slow: 'chill', conversational: 'conversational', fast: 'fast' } as const;

/** Canonical aspect ratios. */
export type Aspect = '16:9' | '9:16' | '1:1';
/** Canonical pacings (`slow` is an alias of `chill`). */
export type Pacing = 'chill' | 'conversational' | 'fast';
/** Scene density. */
export type Density = 'sparse' | 'balanced' | 'dense';

/** Default output size per aspect when width/height are not given. */
export const DEFAULT_SIZES: Readonly<Record<Aspect, { width: number; height: number }>> = {
  '16:9': { width: 1920, height: 1080 },
  '9:16': { width: 1080, height: 1920 },
  '1:1': { width: 1080, height: 1080 },
};

const providerChoice = z
  .object({
    llm: z.string().min(1).max(100).optional(),
    tts: z.string().min(1).max(100).optional(),
    image: z.string().min(1).max(100).optional(),
    video: z.string().min(1).max(100).optional(),
  })
  .strict();

const options = z
  .object({
    audience: z.string().trim().min(1).max(200).default('general audience'),
    goal: z.string().trim().min(1).max(200).default('inform and engage'),
    tone: z.string().trim().min(1).max(50).default('professional'),
    language: z.string().trim().min(1).max(50).default('English'),
    aspect: z
      .enum(Object.keys(ASPECTS) as [keyof typeof ASPECTS, ...(keyof typeof ASPECTS)[]])
      .default('16:9')
      .transform((a): Aspect => ASPECTS[a]),
    pacing: z
      .enum(Object.keys(PACINGS) as [keyof typeof PACINGS, ...(keyof typeof PACINGS)[]])
      .default('conversational')
      .transform((p): Pacing => PACINGS[p]),
    density: z.enum(['sparse', 'balanced', 'dense']).default('balanced'),
    width: z.number().int().min(320).max(7680).optional(),
    height: z.number().int().min(240).max(4320).optional(),
    fps: z.number().int().min(15).max(60).default(30),
    codec: z
      .enum(['h264', 'H.264', 'libx264'])
      .default('h264')
      .transform(() => 'h264' as const),
    motion: z.boolean().default(true),
    crossfade: z.boolean().default(true),
    subtitles: z.boolean().default(true),
    /**
     * Background music: a file name inside `<dataDir>/music/` (never a path), looped under the voice
     * at −18 dB.
     */
    music: z
      .string()
      .regex(
        /^[A-Za-z0-9][\w .-]{0,120}\.(mp3|wav|m4a|aac|ogg|flac)$/i,
        'a file name in the music folder, e.g. calm.mp3',
      )
      .refine((name) => !name.includes('..'), 'a plain file name, without ".."')
      .optional(),
    videoBitrate: z
      .string()
      .regex(/^\d+[kM]$/, 'a bitrate like 5000k or 5M')
      .default('5000k'),
    audioBitrate: z
      .string()
      .regex(/^\d+k$/, 'a bitrate like 192k')
      .default('192k'),
  })
  .strict();

/** The zod schema of a generation request (docs/api-vocabulary.md#request-defaults), with defaults. */
export const VideoRequestSchema = z
  .object({
    brief: z.string().trim().min(10, 'at least 10 characters').max(5000, 'at most 5000 characters'),
    durationMinutes: z.number().gt(0, 'greater than 0').max(10, 'at most 10').default(1),
    style: z.string().trim().min(1).max(100).default('informative'),
    voiceId: z.string().trim().min(1).max(200).optional(),
    options: options.default(() => options.parse({})),
    providers: providerChoice.default({}),
    fallbackPolicy: z.enum(FALLBACK_POLICIES).default('auto'),
    /** The job's hedge settings over the configured stage defaults (docs/hedging.md); opt-in. */
    hedging: HedgeSettingsSchema.optional(),
  })
  .strict();

/** A request as sent by a client (before defaults). */
export type VideoRequestInput = z.input<typeof VideoRequestSchema>;

/** A validated request with every default applied and the output size resolved. */
export type VideoRequest = z.output<typeof VideoRequestSchema> & {
  options: z.output<typeof options> & { width: number; height: number };
};

/** Per-job size limits applied at validation (configurable: `limits` in the config file). */
export interface RequestLimits {
  /**
   * Most pixel-frames one job may render: width × height × fps × duration in seconds.
   * @default 74_649_600_000 (1920×1080 at 60 fps for 10 minutes, or 4K at 30 fps for 5)
   */
  maxPixelFramesPerJob: number;
}

/** The default {@link RequestLimits}. */
export const DEFAULT_REQUEST_LIMITS: Readonly<RequestLimits> = {
  maxPixelFramesPerJob: 1920 * 1080 * 60 * 600,
};

/** One invalid field of a request. */
export interface FieldProblem {
  /** Dotted path, e.g. `options.fps`. */
  field: string;
  /** What was expected. */
  message: string;
}

/**
 * Validates and normalises a generation request. Throws a `REELAY_ERR_VALIDATION` ReelayError
 * whose `details.fields` lists every invalid field; nothing is lost, nothing is guessed.
 *
 * @example
 * const request = parseVideoRequest({ brief: 'Explain how tides work for curious kids' });
 * request.options.width; // 1920
 */
export function parseVideoRequest(
  input: unknown,
  limits: RequestLimits = DEFAULT_REQUEST_LIMITS,
): VideoRequest {
  const result = VideoRequestSchema.safeParse(input ?? {});
  const unstorable = unstorableFields(input);
  if (!result.success || unstorable.length > 0) {
    const fields: FieldProblem[] = [
      ...unstorable,
      ...(result.success ? [] : result.error.issues).map((issue) => ({
        field: issue.path.length > 0 ? issue.path.join('.') : '(body)',
        message: issue.message,
      })),
    ];
    const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
    throw new ReelayError('REELAY_ERR_VALIDATION', `Invalid video request — ${summary}`, {
      details: { fields },
    });
  }
  const value = result.data as z.output<typeof VideoRequestSchema>;
  const size = DEFAULT_SIZES[value.options.aspect];
  const width = even(value.options.width ?? size.width);
  const height = even(value.options.height ?? size.height);
  const seconds = value.durationMinutes * 60;
  const pixelFrames = width * height * value.options.fps * seconds;
  if (pixelFrames > limits.maxPixelFramesPerJob) {
    const message =
      `${width}×${height} at ${value.options.fps} fps for ${Math.round(seconds)} s is ${pixelFrames.toExponential(2)} ` +
      `pixel-frames, over the limit maxPixelFramesPerJob = ${limits.maxPixelFramesPerJob.toExponential(2)}; ` +
      'lower the size, the frame rate or the duration';
    throw new ReelayError('REELAY_ERR_VALIDATION', `Invalid video request — ${message}`, {
      details: { fields: [{ field: 'durationMinutes', message }], limit: 'maxPixelFramesPerJob' },
    });
  }
  return { ...value, options: { ...value.options, width, height } };
}

/** H.264 with yuv420p needs even dimensions; round down to the nearest even number. */
function even(n: number): number {
  return n - (n % 2);
}
