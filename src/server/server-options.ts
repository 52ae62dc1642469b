import type { Redis } from 'ioredis';
import { normalizeApiKeys } from '../config/api-keys-config.js';
import type { ApiKeySpec } from '../domain/access.js';
import type { Clock } from '../domain/clock.js';
import type { IdGenerator } from '../domain/ids.js';
import type { Logger } from '../domain/logger.js';
import type { ReelayService } from '../jobs/reelay-service.js';
import type { OpenAiEndpointOptions } from './openai/endpoint-options.js';

/** HTTP settings of {@link createServer}; `ReelayConfig.server` fits as is. */
export interface ServerConfig {
  /**
   * API keys accepted on every route except the public ones (`/health/*`, the docs and the web
   * UI's page); empty = no authentication. A string is a plain key with every scope, or
   * `name:key:scope+scope`; an object names its owner and scopes. @default []
   */
  apiKeys?: readonly (string | ApiKeySpec)[];
  /** Largest request body accepted; larger → 413. @default 65536 */
  bodyLimitBytes?: number;
  /** `POST /api/video/generate` calls per client (API key, else IP) per one-minute window. @default 30 */
  generateRatePerMinute?: number;
  /** Most clients the rate limiter remembers; the least recently seen are forgotten. @default 10000 */
  rateLimitMaxClients?: number;
  /** Interval of the SSE `: keep-alive` comment. @default 15000 */
  sseKeepAliveMs?: number;
  /** Reconnect delay suggested to SSE clients (`retry:` line). @default 2000 */
  sseRetryMs?: number;
  /** Send internal `heartbeat` events on SSE streams (off: they are many and UI-irrelevant). @default false */
  sseIncludeHeartbeats?: boolean;
  /** Unsent SSE bytes tolerated for a slow client before its stream is closed (it resumes). @default 1048576 */
  sseMaxBufferedBytes?: number;
  /** Trust `X-Forwarded-For` for the client IP (behind a reverse proxy). @default false */
  trustProxy?: boolean;
  /**
   * Browser origins allowed to call the API (CORS, `@fastify/cors`): exact origins such as
   * `https://app.example.com`, or `*` for any. Empty = no CORS headers at all. @default []
   */
  corsOrigins?: readonly string[];
}

/** Options of {@link createServer}. */
export interface CreateServerOptions {
  /** The facade the routes talk to. */
  service: ReelayService;
  /** HTTP settings. @default {} */
  config?: ServerConfig;
  /** Structured logger; each request's lines carry its `correlationId`. @default silentLogger */
  logger?: Logger;
  /** Time source (rate limiter, durations, timestamps, SSE keep-alive). @default systemClock */
  clock?: Clock;
  /** Generates correlation ids when a request has none. @default randomIds */
  ids?: IdGenerator;
  /** The OpenAI-compatible endpoint (`/v1/chat/completions`, `/v1/models`); absent = not served. */
  openai?: OpenAiEndpointOptions;
  /**
   * Shares the generation rate limit between API instances: counters live in this Redis (under
   * `rateLimitRedisPrefix`) instead of process memory. `reelay serve` passes its Redis connection
   * when `REDIS_URL` is set. @default in-process counters
   */
  rateLimitRedis?: Redis;
  /** Key prefix of the shared counters. @default 'reelay:rate:' */
  rateLimitRedisPrefix?: string;
}

/** {@link ServerConfig} with every default applied and keys parsed. */
export type ResolvedServerConfig = Required<Omit<ServerConfig, 'apiKeys'>> & { apiKeys: ApiKeySpec[] };

/** Applies the defaults of {@link ServerConfig} (never mutates the input). */
export function resolveServerConfig(config: ServerConfig = {}): ResolvedServerConfig {
  return {
    apiKeys: normalizeApiKeys(config.apiKeys ?? []),
    bodyLimitBytes: config.bodyLimitBytes ?? 64 * 1024,
    generateRatePerMinute: config.generateRatePerMinute ?? 30,
    rateLimitMaxClients: config.rateLimitMaxClients ?? 10_000,
    sseKeepAliveMs: config.sseKeepAliveMs ?? 15_000,
    sseRetryMs: config.sseRetryMs ?? 2_000,
    sseIncludeHeartbeats: config.sseIncludeHeartbeats ?? false,
    sseMaxBufferedBytes: config.sseMaxBufferedBytes ?? 1024 * 1024,
    trustProxy: config.trustProxy ?? false,
    corsOrigins: [...(config.corsOrigins ?? [])],
  };
}
