import type { FastifyRequest } from 'fastify';
import { httpError } from './problem-details.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** True when the request comes from this machine. */
export function isLoopback(ip: string): boolean {
  return LOOPBACK.test(ip);
}

/**
 * An `onRequest` hook for operator routes (circuit changes): when the server has no API keys, only
 * callers on loopback may use them — an anonymous caller from the network gets a 403.
 */
export function adminGuard(apiKeys: readonly string[]): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    if (apiKeys.length > 0 || isLoopback(request.ip)) return;
    throw httpError(
      'REELAY_ERR_UNAUTHORIZED',
      403,
      'Circuit changes need an operator: set REELAY_API_KEYS on the server and send a key, or call from the server itself (loopback).',
    );
  };
}
