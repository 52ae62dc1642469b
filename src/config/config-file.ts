import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ReelayError } from '../domain/errors.js';
import { FALLBACK_POLICIES } from '../domain/fallback.js';
import { ApiKeyEntrySchema } from './api-keys-config.js';
import { HedgingConfigSchema } from './hedging-schema.js';
import { ModelGroupsSchema } from './model-groups-schema.js';
import { ProviderSettingsSchema } from './provider-settings-schema.js';
import { RetentionFileSchema } from './retention-config.js';

/** Spending limits in the config file (`budgets`): per job, and per provider per day and month. */
export const BudgetsSchema = z
  .object({
    perJobUsd: z.number().positive().optional(),
    perProvider: z
      .record(
        z.string(),
        z
          .object({
            dailyUsd: z.number().positive().optional(),
            monthlyUsd: z.number().positive().optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

/** Spending limits after loading. */
export type BudgetsConfig = z.output<typeof BudgetsSchema>;

/** The config file schema (`reelay.config.json`); every key is optional. */
export const ConfigFileSchema = z
  .object({
    /** The JSON Schema the file follows (`reelay config schema`), for editors; ignored by Reelay. */
    $schema: z.string().optional(),
    dataDir: z.string().min(1).optional(),
    outputDir: z.string().min(1).optional(),
    timeoutProfilesPath: z.string().min(1).optional(),
    /** FFmpeg executable (a command on PATH or a path). */
    ffmpegPath: z.string().min(1).optional(),
    /** FFprobe executable; default: the `ffprobe` beside `ffmpegPath`. */
    ffprobePath: z.string().min(1).optional(),
    patienceProfile: z.enum(['conservative', 'balanced', 'longForm']).optional(),
    fallbackPolicy: z.enum(FALLBACK_POLICIES).optional(),
    maxSwitchesPerStage: z.number().int().min(0).max(20).optional(),
    decisionTimeoutMs: z.number().int().positive().optional(),
    concurrency: z
      .object({
        jobs: z.number().int().min(1).max(64).optional(),
        visuals: z.number().int().min(1).max(16).optional(),
        segments: z.number().int().min(1).max(16).optional(),
      })
      .strict()
      .optional(),
    server: z
      .object({
        host: z.string().optional(),
        port: z.number().int().min(0).max(65535).optional(),
        bodyLimitBytes: z.number().int().positive().optional(),
        generateRatePerMinute: z.number().int().positive().optional(),
        /** API keys with owner names and scopes; `REELAY_API_KEYS` replaces the list when set. */
        apiKeys: z.array(ApiKeyEntrySchema).optional(),
        /** Origins allowed to call the API from a browser (CORS); empty = CORS off. `*` = any. */
        corsOrigins: z.array(z.string().min(1)).optional(),
      })
      .strict()
      .optional(),
    providers: z.record(z.string(), ProviderSettingsSchema).optional(),
    budgets: BudgetsSchema.optional(),
    /** Model groups of the OpenAI-compatible endpoint (`/v1/chat/completions`). */
    modelGroups: ModelGroupsSchema.optional(),
    /** Hedged first tokens: default, per stage, per model group (docs/hedging.md). */
    hedging: HedgingConfigSchema.optional(),
    /** How long finished jobs' work files and videos are kept. */
    retention: RetentionFileSchema.optional(),
    limits: z
      .object({
        /** width × height × fps × seconds allowed per job. */
        maxPixelFramesPerJob: z.number().positive().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** A config file's contents after validation. */
export type ConfigFile = z.output<typeof ConfigFileSchema>;

/** Reads and validates one config file. */
export function parseConfigFile(path: string): ConfigFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ReelayError(
      'REELAY_ERR_CONFIG',
      `Config file ${path} is not valid JSON: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const result = ConfigFileSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new ReelayError('REELAY_ERR_CONFIG', `Config file ${path} is invalid — ${problems}`, {
      details: {
        file: path,
        issues: result.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
      },
    });
  }
  return result.data;
}
