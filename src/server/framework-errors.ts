import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Clock, isoAt } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import type { IdGenerator } from '../domain/ids.js';
import { sendProblem } from './error-handling.js';
import { httpError, PROBLEM_CONTENT_TYPE, problemFromError } from './problem-details.js';
import { CORRELATION_HEADER } from './request-hooks.js';

/** The error Fastify hands to `frameworkErrors` (bad URL, over-long path parameter, …). */
interface FrameworkError {
  code?: string;
}

/** A {@link ReelayError} for an error Fastify's router raises before any route or hook runs. */
export function fromFrameworkError(error: FrameworkError): ReelayError {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return httpError(
        'REELAY_ERR_VALIDATION',
        400,
        'The URL path is not valid (a malformed percent-escape such as %zz); encode the path with encodeURIComponent.',
      );
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return httpError(
        'REELAY_ERR_VALIDATION',
        414,
        'A path segment is longer than 300 characters; job and provider ids are at most 128 characters.',
      );
    default:
      return new ReelayError(
        'REELAY_ERR_INTERNAL',
        'The server could not route this request; retry later, and quote the correlation id if it persists.',
      );
  }
}

/**
 * Fastify's `frameworkErrors` option: the router's own errors (no hook has run, so the correlation
 * header is set here) become problem details like every other error.
 */
export function frameworkErrorHandler(
  clock: Clock,
): (error: FrameworkError, request: FastifyRequest, reply: FastifyReply) => void {
  return (error, request, reply) => {
    reply.header(CORRELATION_HEADER, request.id);
    sendProblem(request, reply, fromFrameworkError(error), clock);
  };
}

interface ClientError extends Error {
  code?: string;
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser rejects (bad request line, header
 * overflow, timeout) gets a problem-details answer with a fresh correlation id, written on the raw
 * socket because there is no request object, then the connection closes.
 */
export function clientErrorHandler(
  clock: Clock,
  ids: IdGenerator,
): (error: ClientError, socket: Socket) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
    const status =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const message =
      status === 408
        ? 'The request took too long to arrive; send it again.'
        : status === 431
          ? 'The request headers are too large; send fewer or shorter headers.'
          : 'The request could not be parsed as HTTP/1.1 (bad request line or header); check the client.';
    const correlationId = ids('corr');
    const problem = problemFromError(httpError('REELAY_ERR_VALIDATION', status, message), {
      url: '/',
      correlationId,
      timestamp: isoAt(clock),
    });
    const body = JSON.stringify(problem);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Correlation-ID: ${correlationId}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  };
}
