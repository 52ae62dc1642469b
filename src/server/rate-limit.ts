import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { ReelayError } from '../domain/errors.js';
import type { ResolvedServerConfig } from './server-options.js';

/** The window of the generation limit: `generateRatePerMinute` calls per client per minute. */
export const GENERATE_WINDOW_MS = 60_000;

/**
 * Registers `@fastify/rate-limit` for the routes that opt in (`config.rateLimit`, see
 * {@link generateRateLimit}); the rest of the API is not limited. Clients are keyed by
 * `request.clientKey` (the API key's digest prefix, else the IP) that the auth hook sets before;
 * the limit runs in `onRequest`, so invalid bodies count too. Responses carry the IETF `RateLimit-*`
 * headers; a refusal is a `REELAY_ERR_RATE_LIMITED` problem (429 + `Retry-After`). With `shared`,
 * the counters live in Redis so that every API instance enforces one limit per client.
 */
export function installRateLimit(
  app: FastifyInstance,
  config: ResolvedServerConfig,
  shared?: { redis: Redis; prefix: string },
): void {
  app.register(rateLimit, {
    // With Redis, every API instance counts against the same window; a Redis outage lets requests
    // through (skipOnError) rather than refusing every client.
    ...(shared ? { redis: shared.redis, nameSpace: shared.prefix, skipOnError: true } : {}),
    global: false,
    enableDraftSpec: true,
    cache: config.rateLimitMaxClients,
    keyGenerator: (request) => request.clientKey,
    errorResponseBuilder: (_request, context) =>
      new ReelayError(
        'REELAY_ERR_RATE_LIMITED',
        `Too many generation requests: the limit is ${context.max} per minute per client; ` +
          `retry in ${Math.max(1, Math.ceil(context.ttl / 1000))} s.`,
        { retryAfterMs: context.ttl, retryable: true },
      ),
  });
}

/** The route `config` that limits `POST /api/video/generate` per client. */
export function generateRateLimit(config: ResolvedServerConfig): {
  rateLimit: { max: number; timeWindow: number };
} {
  return { rateLimit: { max: config.generateRatePerMinute, timeWindow: GENERATE_WINDOW_MS } };
}
