import cors from '@fastify/cors';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { packageInfo } from '../config/package-info.js';
import { systemClock } from '../domain/clock.js';
import { randomIds } from '../domain/ids.js';
import { silentLogger } from '../domain/logger.js';
import { webUiPlugin } from '../web/web-ui-plugin.js';
import { ApiKeyAuth } from './api-key-auth.js';
import { installErrorHandling } from './error-handling.js';
import { toFastifyLogger } from './fastify-logger.js';
import { clientErrorHandler, frameworkErrorHandler } from './framework-errors.js';
import { HttpMetrics } from './http-metrics.js';
import { VIDEO_PREFIX } from './job-views.js';
import { openAiRoutes } from './openai/openai-routes.js';
import { installOpenApi } from './openapi.js';
import { installRateLimit } from './rate-limit.js';
import { correlationIdGenerator, installRequestHooks } from './request-hooks.js';
import type { RouteDeps } from './route-deps.js';
import { authRoutes } from './routes/auth-routes.js';
import { budgetRoutes } from './routes/budget-routes.js';
import { downloadRoutes } from './routes/download-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { jobRoutes } from './routes/job-routes.js';
import { jobSearchRoutes } from './routes/job-search-routes.js';
import { performanceRoutes } from './routes/performance-routes.js';
import { providerRoutes } from './routes/provider-routes.js';
import { stateRoutes } from './routes/state-routes.js';
import { streamRoutes } from './routes/stream-routes.js';
import { thumbnailRoutes } from './routes/thumbnail-routes.js';
import { videoRoutes } from './routes/video-routes.js';
import { type CreateServerOptions, resolveServerConfig } from './server-options.js';
import { SseHub } from './sse/sse-hub.js';
import { jsonSerializerCompiler, zodValidatorCompiler } from './validate.js';

/**
 * Builds the HTTP API (Fastify) over a {@link ReelayService}: the video routes under
 * `/api/video`, jobs and decisions under `/api/jobs`, providers, gateway statistics, health
 * probes and Prometheus metrics. Every error is RFC 9457 problem details; every response echoes
 * `X-Correlation-ID`. It does not listen: call `listen` (the `reelay serve` command does), or test
 * with `inject()`.
 *
 * @example
 * const app = createServer({ service, config: { apiKeys: ['ci:secret-0123456789:submit+read'], generateRatePerMinute: 30 } });
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
    frameworkErrors: frameworkErrorHandler(clock),
    clientErrorHandler: clientErrorHandler(clock, ids),
  });

  const metrics = new HttpMetrics();
  const sse = new SseHub();
  const deps: RouteDeps = {
    service: options.service,
    config,
    clock,
    metrics,
    sse,
  };

  installRequestHooks(app, {
    clock,
    auth: new ApiKeyAuth(config.apiKeys),
    metrics,
    logRequests: logger !== silentLogger,
  });
  installErrorHandling(app, clock, config.bodyLimitBytes, options.openai !== undefined);
  installRateLimit(
    app,
    config,
    options.rateLimitRedis
      ? { redis: options.rateLimitRedis, prefix: options.rateLimitRedisPrefix ?? 'reelay:rate:' }
      : undefined,
  );
  if (config.corsOrigins.length > 0) {
    const anyOrigin = config.corsOrigins.includes('*');
    app.register(cors, {
      origin: anyOrigin ? '*' : [...config.corsOrigins],
      methods: ['GET', 'HEAD', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'last-event-id', 'x-correlation-id', 'range'],
      exposedHeaders: [
        'x-correlation-id',
        'location',
        'retry-after',
        'ratelimit-limit',
        'ratelimit-remaining',
        'ratelimit-reset',
        'content-range',
        'content-disposition',
      ],
      maxAge: 600,
    });
  }
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(jsonSerializerCompiler);
  installOpenApi(app, packageInfo().version);
  app.addHook('preClose', async () => sse.closeAll());

  app.register(videoRoutes, { prefix: VIDEO_PREFIX, ...deps });
  app.register(streamRoutes, { prefix: VIDEO_PREFIX, ...deps });
  app.register(downloadRoutes, { prefix: VIDEO_PREFIX, ...deps });
  app.register(thumbnailRoutes, { prefix: VIDEO_PREFIX, ...deps });
  app.register(jobRoutes, { prefix: '/api/jobs', ...deps });
  app.register(jobSearchRoutes, { prefix: '/api/jobs', ...deps });
  app.register(providerRoutes, deps);
  app.register(performanceRoutes, deps);
  app.register(budgetRoutes, deps);
  app.register(authRoutes, deps);
  app.register(healthRoutes, deps);
  app.register(webUiPlugin, { config });
  if (options.openai) app.register(openAiRoutes, { ...deps, endpoint: options.openai, ids, logger });
  app.register(stateRoutes, { prefix: '/api/state', ...deps });
  return app;
}
