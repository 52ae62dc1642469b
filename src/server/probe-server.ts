import Fastify, { type FastifyInstance } from 'fastify';
import { type Clock, systemClock } from '../domain/clock.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import type { ReelayService } from '../jobs/reelay-service.js';
import { installErrorHandling } from './error-handling.js';
import { toFastifyLogger } from './fastify-logger.js';
import { HttpMetrics } from './http-metrics.js';
import { healthRoutes } from './routes/health-routes.js';
import { jsonSerializerCompiler, zodValidatorCompiler } from './validate.js';

/** Options of {@link createProbeServer}. */
export interface ProbeServerOptions {
  /** The worker's service (readiness checks and metrics). */
  service: ReelayService;
  /** @default systemClock */
  clock?: Clock;
  /** @default silentLogger */
  logger?: Logger;
}

/**
 * The small HTTP server of a worker-only process (`reelay worker --metrics-port`): only
 * `GET /health/live`, `GET /health/ready` and `GET /metrics`, without authentication, so a
 * process without the API can still be probed by an orchestrator and scraped by Prometheus.
 * Bind it to an internal interface.
 *
 * @example
 * const probes = createProbeServer({ service: reelay.service });
 * await probes.listen({ host: '127.0.0.1', port: 9464 });
 */
export function createProbeServer(options: ProbeServerOptions): FastifyInstance {
  const clock = options.clock ?? systemClock;
  const app = Fastify({ loggerInstance: toFastifyLogger(options.logger ?? silentLogger) });
  installErrorHandling(app, clock, 1024);
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(jsonSerializerCompiler);
  app.register(healthRoutes, { service: options.service, metrics: new HttpMetrics(), clock });
  return app;
}
