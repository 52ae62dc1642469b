import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../domain/access.js';
import type { Clock } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import type { IdGenerator } from '../domain/ids.js';
import { isWebUiPath } from '../web/web-paths.js';
import { anonymousPrincipal } from './admin-guard.js';
import type { ApiKeyAuth } from './api-key-auth.js';
import type { HttpMetrics } from './http-metrics.js';
import { checkScopes } from './scope-check.js';

/** Accepted incoming correlation ids: 1–128 characters of `[A-Za-z0-9._:-]`. */
export const CORRELATION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** The correlation-id header (echoed on every response). */
export const CORRELATION_HEADER = 'x-correlation-id';

/**
 * Fastify's `genReqId`: the request's `X-Correlation-ID` when it is well formed, else a new one.
 * The request id *is* the correlation id, so Fastify binds it to every log line of the request.
 */
export function correlationIdGenerator(ids: IdGenerator): (req: IncomingMessage) => string {
  return (req) => {
    const header = req.headers[CORRELATION_HEADER];
    const value = Array.isArray(header) ? header[0] : header;
    return value !== undefined && CORRELATION_ID_PATTERN.test(value) ? value : ids('corr');
  };
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** Paths served without an API key: health probes, the API description and the web UI's page and assets (none holds data). */
export function isPublicPath(url: string): boolean {
  const path = pathOf(url);
  return path.startsWith('/health/') || path === '/openapi.json' || path === '/docs' || isWebUiPath(path);
}

/**
 * Global hooks, in order: echo the correlation id and note the arrival time; authenticate
 * (except public paths), derive the rate-limit client key and the caller (principal), and check
 * the route's scope (403 naming the scope when missing); after the response, record HTTP
 * metrics and log one line (method, route, status, duration — never headers).
 */
export function installRequestHooks(
  app: FastifyInstance,
  deps: { clock: Clock; auth: ApiKeyAuth; metrics: HttpMetrics; logRequests?: boolean },
): void {
  const { clock, auth, metrics } = deps;
  const logRequests = deps.logRequests ?? true;
  app.decorateRequest('clientKey', '');
  app.decorateRequest('arrivedAt', 0);
  // Fastify forbids object defaults on decorators (shared between requests): set per request below.
  app.decorateRequest('principal', null as unknown as Principal);

  // Callback-style hooks (not async): no promise per request on the hot path; a thrown
  // ReelayError is passed to `done` and becomes a problem-details answer as before.
  app.addHook('onRequest', (request, reply, done) => {
    try {
      authenticate(request, reply);
    } catch (error) {
      done(error as Error);
      return;
    }
    done();
  });

  const authenticate = (request: FastifyRequest, reply: FastifyReply): void => {
    request.arrivedAt = clock.now();
    reply.header(CORRELATION_HEADER, request.id);
    // A CORS preflight never carries credentials (the browser sends them on the real request).
    const verdict =
      isPublicPath(request.url) || request.method === 'OPTIONS'
        ? ({ ok: true, clientKey: null, principal: null } as const)
        : auth.check(request.headers.authorization);
    if (!verdict.ok) {
      throw new ReelayError(
        'REELAY_ERR_UNAUTHORIZED',
        verdict.reason === 'missing'
          ? 'This API needs an API key: send the header "Authorization: Bearer <key>".'
          : 'The API key is not valid; check the key configured in REELAY_API_KEYS on the server.',
        { details: { reason: verdict.reason } },
      );
    }
    request.clientKey = verdict.clientKey ?? `ip:${request.ip}`;
    request.principal = verdict.principal ?? anonymousPrincipal(request.ip);
    const route = request.routeOptions.url;
    if (route !== undefined && !isPublicPath(request.url) && request.method !== 'OPTIONS') {
      checkScopes(request.principal, request.method, route, auth.enabled);
    }
  };

  app.addHook('onResponse', (request, reply, done) => {
    const durationMs = clock.now() - request.arrivedAt;
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observe({ method: request.method, route, status: reply.statusCode }, durationMs);
    // With the silent logger the line is not even built.
    if (logRequests)
      request.log.info(
        { method: request.method, route, path: pathOf(request.url), status: reply.statusCode, durationMs },
        'request completed',
      );
    done();
  });
}
