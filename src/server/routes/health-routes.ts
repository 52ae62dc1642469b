import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isoAt } from '../../domain/clock.js';
import { errorMessage } from '../../domain/errors.js';
import type { ReadinessReport } from '../../jobs/reelay-service.js';
import { LiveResponseSchema, ProblemDetailsSchema, ReadyResponseSchema } from '../api-schemas.js';
import type { ProblemDetails } from '../api-types.js';
import { PROBLEM_CONTENT_TYPE, problemType } from '../problem-details.js';
import type { RouteDeps } from '../route-deps.js';

/**
 * `GET /health/live` (the process answers), `GET /health/ready` (200 with the checks, or 503
 * problem details carrying the checks) and `GET /metrics` (the service's Prometheus text followed
 * by this server's HTTP metrics).
 */
export async function healthRoutes(
  app: FastifyInstance,
  deps: Pick<RouteDeps, 'service' | 'metrics' | 'clock'>,
): Promise<void> {
  const { service, metrics, clock } = deps;

  const tags = ['health'];
  app.get(
    '/health/live',
    { schema: { summary: 'Liveness: the process answers', tags, response: { 200: LiveResponseSchema } } },
    async () => ({ status: 'ok', timestamp: isoAt(clock) }),
  );

  const readySchema = {
    summary: 'Readiness: stores, queue and media tools checked',
    tags,
    response: { 200: ReadyResponseSchema, 503: ProblemDetailsSchema },
  };
  app.get('/health/ready', { schema: readySchema }, async (request, reply) => {
    let report: ReadinessReport;
    try {
      report = await service.readiness();
    } catch (error) {
      report = {
        ready: false,
        checks: { service: { ok: false, message: errorMessage(error).slice(0, 200) } },
      };
    }
    if (report.ready) return { status: 'ready', checks: report.checks, timestamp: isoAt(clock) };
    const failing = Object.entries(report.checks)
      .filter(([, c]) => !c.ok)
      .map(([name, c]) => `${name}: ${c.message}`);
    const problem: ProblemDetails = {
      type: problemType('REELAY_ERR_PREFLIGHT'),
      title: 'Service Unavailable',
      status: 503,
      detail: `Reelay is not ready — ${failing.join('; ') || 'a check failed'}.`,
      instance: request.url,
      code: 'REELAY_ERR_PREFLIGHT',
      correlationId: request.id,
      timestamp: isoAt(clock),
      checks: report.checks,
    };
    return reply.code(503).type(PROBLEM_CONTENT_TYPE).send(problem);
  });

  const metricsSchema = {
    summary: 'Prometheus metrics (text exposition format)',
    tags,
    response: { 200: { description: 'Prometheus text', content: { 'text/plain': { schema: z.string() } } } },
  };
  app.get('/metrics', { schema: metricsSchema }, async (_request, reply) => {
    const [serviceText, httpText] = await Promise.all([service.metricsText(), metrics.text()]);
    const joined = serviceText.trim() === '' ? httpText : `${serviceText.replace(/\n*$/, '\n')}${httpText}`;
    return reply.type(metrics.contentType).send(joined);
  });
}
