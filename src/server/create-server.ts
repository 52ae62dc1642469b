import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { systemClock } from '../domain/clock.js';
import { randomIds } from '../domain/ids.js';
import { silentLogger } from '../domain/logger.js';
import { ApiKeyAuth } from './api-key-auth.js';
import { installErrorHandling } from './error-handling.js';
import { toFastifyLogger } from './fastify-logger.js';
import { HttpMetrics } from './http-metrics.js';
import { VIDEO_PREFIX } from './job-views.js';
import { correlationIdGenerator, installRequestHooks } from './request-hooks.js';
import type { RouteDeps } from './route-deps.js';
import { downloadRoutes } from './routes/download-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { jobRoutes } from './routes/job-routes.js';
import { providerRoutes } from './routes/provider-routes.js';
import { stateRoutes } from './routes/state-routes.js';
import { streamRoutes } from './routes/stream-routes.js';
import { videoRoutes } from './routes/video-routes.js';
import { type CreateServerOptions, resolveServerConfig } from './server-options.js';
import { SseHub } from './sse/sse-hub.js';
import { TokenBucketLimiter } from './token-bucket-limiter.js';

/**
 * Builds the HTTP API (Fastify) over a {@link ReelayService}: the video routes under
 * `/api/video`, jobs and decisions under `/api/jobs`, providers, gateway statistics, health
 * probes and Prometheus metrics. Every error is RFC 9457 problem details; every response echoes
 * `X-Correlation-ID`. It does not listen: call `listen` (the `reelay serve` command does), or test
 * with `inject()`.
 *
 * @example
 * const app = createServer({ service, config: { apiKeys: ['secret'], generateRatePerMinute: 30 } });
 * await app.listen({ host: '127.0.0.1', port: 8080 });
 * // …
 * await app.close(); // ends open SSE streams; does not close the service
 */
export function createServer(options: CreateServerOptions): FastifyInstance {
  const config = resolveServerConfig(options.config);
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIds;
  const logger = options.logger ?? silentLogger;

  const app = Fastify({
    loggerInstance: toFastifyLogger(logger),
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'correlationId' }),
    genReqId: correlationIdGenerator(ids),
    bodyLimit: config.bodyLimitBytes,
    routerOptions: { maxParamLength: 300 },
    trustProxy: config.trustProxy,
    return503OnClosing: true,
  });

  const metrics = new HttpMetrics();
  const sse = new SseHub();
  const deps: RouteDeps = {
    service: options.service,
    config,
    clock,
    metrics,
    sse,
    generateLimiter: new TokenBucketLimiter({
      ratePerMinute: config.generateRatePerMinute,
      maxClients: config.rateLimitMaxClients,
      clock,
    }),
  };

  installRequestHooks(app, { clock, auth: new ApiKeyAuth(config.apiKeys), metrics });
  installErrorHandling(app, clock, config.bodyLimitBytes);
  app.addHook('preClose', async () => sse.closeAll());

  app.register(videoRoutes, { prefix: VIDEO_PREFIX, ...deps });
  app.register(streamRoutes, { prefix: VIDEO_PREFIX, ...deps });
  app.register(downloadRoutes, { prefix: VIDEO_PREFIX, ...deps });
  app.register(jobRoutes, { prefix: '/api/jobs', ...deps });
  app.register(providerRoutes, deps);
  app.register(healthRoutes, deps);
  app.register(stateRoutes, { prefix: '/api/state', ...deps });
  return app;
}
