import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ApiKeySpec } from '../domain/access.js';
import { ReelayError } from '../domain/errors.js';
import { FALLBACK_POLICIES } from '../domain/fallback.js';
import { parseApiKeysEnv, resolveApiKeyEntries } from './api-keys-config.js';
import { type BudgetsConfig, type ConfigFile, parseConfigFile } from './config-file.js';
import { enumEnv, intEnv, listEnv, positiveIntEnv } from './env-values.js';
import type { HedgingConfigInput } from './hedging-schema.js';
import { mediaToolsConfig } from './media-tools-config.js';
import type { ModelGroupConfig } from './model-groups-schema.js';
import type { ProviderSettings } from './provider-settings-schema.js';
import { type RetentionConfig, retentionConfig } from './retention-config.js';

/** The resolved configuration every entry point wires from. */
export interface ReelayConfig {
  /** Where the SQLite file, job work directories and logs live. @default ./data */
  dataDir: string;
  /** Where finished videos are written. @default <dataDir>/videos */
  outputDir: string;
  /** Timeout-profile file; absent → the shipped defaults. */
  timeoutProfilesPath: string | undefined;
  /** FFmpeg executable (REELAY_FFMPEG_PATH, else `ffmpegPath`). @default 'ffmpeg' (on PATH) */
  ffmpegPath: string;
  /**
   * FFprobe executable (REELAY_FFPROBE_PATH, else `ffprobePath`). @default the `ffprobe` beside
   * `ffmpegPath` when that is a path, else 'ffprobe' (on PATH)
   */
  ffprobePath: string;
  /**
   * CPU priority (POSIX nice, 0–19) of FFmpeg, FFprobe and TTS processes (REELAY_MEDIA_NICE); 0
   * runs them at normal priority. @default 10
   */
  mediaNiceness?: number;
  /**
   * SQLite commits (REELAY_SQLITE_SYNC): `normal` (WAL) survives process crashes and `kill -9`, may
   * lose the last commits on power loss or an OS crash, and keeps event loops from waiting on the
   * disk; `full` fsyncs every commit (survives power loss too). @default 'normal'
   */
  sqliteSynchronous?: 'full' | 'normal';
  /**
   * How a process that runs a worker starts media processes (REELAY_SPAWN_HELPER): `on` through a
   * small helper process started with the worker, so that forking a large worker does not hold its
   * event loop; `off` with `child_process.spawn` in the worker itself. @default 'on'
   */
  spawnHelper?: 'on' | 'off';
  /**
   * PostgreSQL event appends (REELAY_PG_EVENT_COMMIT): `sync` waits for the WAL flush of each;
   * `async` does not (`synchronous_commit = off` for those statements only): a Reelay crash loses
   * nothing, a PostgreSQL server crash may lose the last ~0.6 s of events. @default 'sync'
   */
  postgresEventCommit?: 'sync' | 'async';
  /**
   * Where a worker on PostgreSQL and Redis writes job events (REELAY_EVENT_WRITER): `thread` on a
   * worker thread with its own connections, so the pipeline's work on the main event loop does not
   * delay live events; `main` on the main thread. Without `DATABASE_URL` and `REDIS_URL` events are
   * always written on the main thread. @default 'thread'
   */
  eventWriter?: 'thread' | 'main';
  /** @default 'balanced' */
  patienceProfile: 'conservative' | 'balanced' | 'longForm';
  /** Policy for jobs that do not choose one. @default 'auto' */
  fallbackPolicy: (typeof FALLBACK_POLICIES)[number];
  /** Automatic switches allowed per stage. @default 3 */
  maxSwitchesPerStage: number;
  /**
   * How long an `ask` decision waits for an answer before `cancel_job` is applied
   * (`REELAY_DECISION_TIMEOUT_MS`). @default undefined (wait forever)
   */
  decisionTimeoutMs: number | undefined;
  concurrency: { jobs: number; visuals: number; segments: number };
  server: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    generateRatePerMinute: number;
    /**
     * API keys with owner names and scopes (REELAY_API_KEYS, else `server.apiKeys`); empty = no
     * auth. Never logged.
     */
    apiKeys: ApiKeySpec[];
    /** Browser origins allowed by CORS (REELAY_CORS_ORIGINS, comma-separated); empty = CORS off. */
    corsOrigins: string[];
  };
  /** PostgreSQL URL (DATABASE_URL) for scale-out; absent → embedded SQLite. */
  databaseUrl: string | undefined;
  /** Redis URL (REDIS_URL): shared router state, BullMQ job queue, event streams; absent → none. */
  redisUrl: string | undefined;
  /** Prefix of every Redis key and of the queue (REELAY_REDIS_PREFIX). @default 'reelay:' */
  redisPrefix: string;
  /**
   * Snapshots of the shared router state into the durable store: every `intervalMs`
   * (REELAY_STATE_SNAPSHOT_MINUTES, default 30), kept `retentionMs`
   * (REELAY_STATE_SNAPSHOT_RETENTION_DAYS, default 7).
   */
  stateSnapshots: { intervalMs: number; retentionMs: number };
  providers: Record<string, ProviderSettings>;
  budgets: BudgetsConfig;
  /** Model groups of the OpenAI-compatible endpoint, by the name clients send as `model`. @default {} */
  modelGroups: Record<string, ModelGroupConfig>;
  /** Hedged first tokens (docs/hedging.md). @default none (hedging off unless a job or request asks) */
  hedging?: HedgingConfigInput;
  /** Per-job size limits (`REELAY_MAX_PIXEL_FRAMES`). @default 1920×1080 × 60 fps × 600 s */
  limits: { maxPixelFramesPerJob: number };
  /**
   * How long finished jobs' files are kept (REELAY_RETENTION_WORK_FILES / REELAY_RETENTION_VIDEOS,
   * else `retention`); null = forever. @default work files 24 h, videos 30 days
   */
  retention: RetentionConfig;
  /** Resolved API keys by env var name (never logged). */
  secrets: Record<string, string>;
  /** The config file that was read, if any. */
  configPath: string | undefined;
}

/** Environment variable names holding provider API keys. */
export const SECRET_ENV_VARS = [
  'OPENAI_API_KEY',
  'ELEVENLABS_API_KEY',
  'HEYGEN_API_KEY',
  'RUNWAYML_API_SECRET',
] as const;

/**
 * Loads the configuration: the JSON config file (`REELAY_CONFIG`, default `./reelay.config.json`
 * when present), then environment variables on top. An invalid file is an error naming the file,
 * the field and the expectation — never silently ignored.
 *
 * @example const config = loadConfig(process.env);
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ReelayConfig {
  const explicit = env.REELAY_CONFIG;
  const candidate = resolve(cwd, explicit ?? 'reelay.config.json');
  let file: ConfigFile = {};
  let configPath: string | undefined;
  if (existsSync(candidate)) {
    file = parseConfigFile(candidate);
    configPath = candidate;
  } else if (explicit) {
    throw new ReelayError('REELAY_ERR_CONFIG', `Config file ${candidate} (REELAY_CONFIG) does not exist`);
  }
  const dataDir = resolve(cwd, env.REELAY_DATA_DIR ?? file.dataDir ?? 'data');
  const secrets: Record<string, string> = {};
  const secretNames = new Set<string>(SECRET_ENV_VARS);
  for (const p of Object.values(file.providers ?? {})) if (p.apiKeyEnv) secretNames.add(p.apiKeyEnv);
  for (const g of Object.values(file.modelGroups ?? {}))
    for (const d of g.deployments) if (d.apiKeyEnv) secretNames.add(d.apiKeyEnv);
  for (const name of secretNames) {
    const value = env[name];
    if (value && value.trim() !== '') secrets[name] = value.trim();
  }
  const apiKeys =
    env.REELAY_API_KEYS !== undefined && env.REELAY_API_KEYS.trim() !== ''
      ? parseApiKeysEnv(env.REELAY_API_KEYS)
      : resolveApiKeyEntries(file.server?.apiKeys ?? [], env);
  const corsOrigins = env.REELAY_CORS_ORIGINS !== undefined ? listEnv(env.REELAY_CORS_ORIGINS) : undefined;
  return {
    dataDir,
    outputDir: resolve(cwd, env.REELAY_OUTPUT_DIR ?? file.outputDir ?? resolve(dataDir, 'videos')),
    timeoutProfilesPath: env.REELAY_TIMEOUT_PROFILES ?? file.timeoutProfilesPath,
    ...mediaToolsConfig(env, file, cwd),
    ...mediaNicenessEnv(env),
    ...optional('sqliteSynchronous', enumEnv(env, 'REELAY_SQLITE_SYNC', ['full', 'normal'] as const)),
    ...optional('postgresEventCommit', enumEnv(env, 'REELAY_PG_EVENT_COMMIT', ['sync', 'async'] as const)),
    ...optional('spawnHelper', enumEnv(env, 'REELAY_SPAWN_HELPER', ['on', 'off'] as const)),
    ...optional('eventWriter', enumEnv(env, 'REELAY_EVENT_WRITER', ['thread', 'main'] as const)),
    patienceProfile:
      enumEnv(env, 'REELAY_PATIENCE_PROFILE', ['conservative', 'balanced', 'longForm'] as const) ??
      file.patienceProfile ??
      'balanced',
    fallbackPolicy:
      enumEnv(env, 'REELAY_FALLBACK_POLICY', FALLBACK_POLICIES) ?? file.fallbackPolicy ?? 'auto',
    maxSwitchesPerStage: file.maxSwitchesPerStage ?? 3,
    decisionTimeoutMs: positiveIntEnv(env, 'REELAY_DECISION_TIMEOUT_MS') ?? file.decisionTimeoutMs,
    concurrency: {
      jobs: intEnv(env, 'REELAY_WORKER_CONCURRENCY') ?? file.concurrency?.jobs ?? 1,
      visuals: file.concurrency?.visuals ?? 2,
      segments: file.concurrency?.segments ?? 2,
    },
    server: {
      host: env.HOST ?? file.server?.host ?? '127.0.0.1',
      port: intEnv(env, 'PORT') ?? file.server?.port ?? 8080,
      bodyLimitBytes: file.server?.bodyLimitBytes ?? 64 * 1024,
      generateRatePerMinute: file.server?.generateRatePerMinute ?? 30,
      apiKeys,
      corsOrigins: corsOrigins ?? file.server?.corsOrigins ?? [],
    },
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    redisPrefix: env.REELAY_REDIS_PREFIX || 'reelay:',
    stateSnapshots: {
      intervalMs: (intEnv(env, 'REELAY_STATE_SNAPSHOT_MINUTES') ?? 30) * 60_000,
      retentionMs: (intEnv(env, 'REELAY_STATE_SNAPSHOT_RETENTION_DAYS') ?? 7) * 86_400_000,
    },
    providers: file.providers ?? {},
    budgets: file.budgets ?? {},
    modelGroups: file.modelGroups ?? {},
    ...(file.hedging ? { hedging: file.hedging } : {}),
    limits: {
      maxPixelFramesPerJob:
        positiveIntEnv(env, 'REELAY_MAX_PIXEL_FRAMES') ??
        file.limits?.maxPixelFramesPerJob ??
        1920 * 1080 * 60 * 600,
    },
    retention: retentionConfig(env, file.retention),
    secrets,
    configPath,
  };
}
/** `REELAY_MEDIA_NICE`: an integer 0–19, else a config error; absent → the default. */
function mediaNicenessEnv(env: NodeJS.ProcessEnv): { mediaNiceness?: number } {
  const n = intEnv(env, 'REELAY_MEDIA_NICE');
  if (n === undefined) return {};
  if (n > 19) throw new ReelayError('REELAY_ERR_CONFIG', `REELAY_MEDIA_NICE=${n} must be between 0 and 19`);
  return { mediaNiceness: n };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [k in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [k in K]?: V };
}
