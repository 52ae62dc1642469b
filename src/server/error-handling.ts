import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Clock, isoAt } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import { fromFastifyError, PROBLEM_CONTENT_TYPE, problemFromError } from './problem-details.js';

/** Sends a {@link ReelayError} as RFC 9457 problem details, with the headers its status calls for. */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  error: ReelayError,
  clock: Clock,
): FastifyReply {
  const problem = problemFromError(error, {
    url: request.url,
    correlationId: request.id,
    timestamp: isoAt(clock),
  });
  reply.code(problem.status).type(PROBLEM_CONTENT_TYPE);
  if (error.retryAfterMs !== undefined && (error.status === 429 || error.status === 503)) {
    reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
  }
  if (error.status === 401) {
    const invalid = error.details.reason === 'invalid';
    reply.header(
      'www-authenticate',
      invalid ? 'Bearer realm="reelay", error="invalid_token"' : 'Bearer realm="reelay"',
    );
  }
  const size = error.details.sizeBytes;
  if (error.status === 416 && typeof size === 'number') reply.header('content-range', `bytes */${size}`);
  return reply.send(problem);
}

/**
 * Makes every error response problem details: `ReelayError`s keep their code and status;
 * Fastify's own 4xx errors (bad JSON, body too large, unsupported media type) get a code and a
 * user-facing detail; unknown routes are `REELAY_ERR_NOT_FOUND`; anything else is a 500 with a
 * generic detail, logged with the correlation id. No stack trace ever leaves the server.
 * `openAiEndpoint` false: a 404 under `/v1` says how to turn the OpenAI-compatible endpoint on.
 */
export function installErrorHandling(
  app: FastifyInstance,
  clock: Clock,
  bodyLimitBytes: number,
  openAiEndpoint = true,
): void {
  app.setErrorHandler((error, request, reply) => {
    let reelay = ReelayError.isInstance(error) ? error : fromFastifyError(error, bodyLimitBytes);
    if (!reelay) {
      request.log.error({ err: error }, 'unexpected error');
      reelay = new ReelayError(
        'REELAY_ERR_INTERNAL',
        `An unexpected error occurred on the server; retry later, and quote correlation id ${request.id} if it persists.`,
      );
    } else if (reelay.status >= 500) {
      request.log.error({ err: reelay, code: reelay.code }, 'request failed');
    } else {
      request.log.info({ code: reelay.code, status: reelay.status }, 'request rejected');
    }
    return sendProblem(request, reply, reelay, clock);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    const hint =
      !openAiEndpoint && (path === '/v1' || path.startsWith('/v1/'))
        ? ' The OpenAI-compatible endpoint (/v1/chat/completions, /v1/models) is served only when the config file has `modelGroups`; see the README section "OpenAI-compatible endpoint".'
        : ' See the API reference for the routes.';
    const error = new ReelayError(
      'REELAY_ERR_NOT_FOUND',
      `There is no ${request.method} ${path.slice(0, 200)} endpoint.${hint}`,
    );
    return sendProblem(request, reply, error, clock);
  });
}
