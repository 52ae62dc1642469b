import type { FastifyReply, FastifyRequest } from 'fastify';
import { isoAt } from '../../domain/clock.js';
import { ReelayError } from '../../domain/errors.js';
import { PROBLEM_CONTENT_TYPE, problemFromError } from '../problem-details.js';
import type { ExchangeContext } from './attempt-runner.js';
import type { Refusal } from './failover-loop.js';
import type { OpenAiProxy } from './openai-proxy.js';

/**
 * Answers a request no deployment served: the upstream's own error for client errors and content
 * refusals; a 503 problem with ranked alternatives and a decision token under `ask`; otherwise a
 * problem naming every failed attempt (429 with Retry-After, 503 with Retry-After when every
 * bulkhead is full, 503 circuit open, 504 stalled, 502).
 */
export function refusalToReply(
  proxy: OpenAiProxy,
  ctx: ExchangeContext,
  refusal: Refusal,
  session: string | undefined,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  reply.header('x-reelay-attempts', String(ctx.attempts));
  if (refusal.kind === 'return') {
    const v = refusal.verdict;
    return reply
      .code(v.status || 502)
      .header('x-reelay-deployment', refusal.deployment.id)
      .type('application/json')
      .send(
        v.bodyText ||
          JSON.stringify({ error: { message: v.message, type: 'upstream_error', code: null, param: null } }),
      );
  }
  if (refusal.kind === 'ask') {
    const category =
      refusal.verdict?.action === 'context_length'
        ? 'context_length'
        : (refusal.verdict?.category ?? 'circuit_open');
    const alternatives = proxy.rank(refusal.alternatives, refusal.failed, category);
    const expiresAt = proxy.clock.now() + (proxy.options.decisionTtlMs ?? 600_000);
    const id = proxy.ids('decision');
    const token = proxy.tokens.sign({
      id,
      group: ctx.group,
      from: refusal.failed.id,
      alternatives: alternatives.map((a) => a.deployment),
      category,
      ...(session ? { session } : {}),
      expiresAt,
    });
    const error = new ReelayError(
      'REELAY_ERR_PROVIDER',
      `${refusal.failed.id} failed (${refusal.verdict?.message ?? 'circuit open'}) and the fallback policy is "ask": repeat the request with headers x-reelay-decision: <token> and x-reelay-choose: <deployment> to switch.`,
      { status: 503 },
    );
    const problem = {
      ...problemFromError(error, {
        url: request.url,
        correlationId: request.id,
        timestamp: isoAt(proxy.clock),
      }),
      decision: {
        id,
        token,
        expiresAt: new Date(expiresAt).toISOString(),
        failed: { deployment: refusal.failed.id, category },
        alternatives,
      },
    };
    return reply
      .code(503)
      .header('x-reelay-decision', token)
      .header('x-reelay-deployment', refusal.failed.id)
      .type(PROBLEM_CONTENT_TYPE)
      .send(problem);
  }
  const v = refusal.verdict;
  const detail = refusal.failures.length > 0 ? refusal.failures.join('; ') : 'no deployment could be tried';
  const advice = 'retry later, or allow fallback (x-reelay-fallback: auto) to other deployments';
  if (v?.ownLimit && v.category === 'provider_overload')
    throw new ReelayError(
      'REELAY_ERR_PROVIDER_OVERLOAD',
      `Every call slot of ${ctx.group} is busy (${detail}); ${advice}.`,
      { retryAfterMs: v.retryAfterMs ?? 1000 },
    );
  if (v?.status === 429)
    throw new ReelayError(
      'REELAY_ERR_RATE_LIMITED',
      `Every deployment of ${ctx.group} is rate limited (${detail}); ${advice}.`,
      {
        ...(v.retryAfterMs === undefined ? {} : { retryAfterMs: v.retryAfterMs }),
      },
    );
  if (!v && refusal.circuitOpen)
    throw new ReelayError(
      'REELAY_ERR_CIRCUIT_OPEN',
      `Every deployment of ${ctx.group} has an open circuit (${detail}); ${advice}.`,
    );
  if (v?.category === 'timeout')
    throw new ReelayError(
      'REELAY_ERR_STALLED',
      `No deployment of ${ctx.group} answered in time (${detail}); ${advice}.`,
    );
  throw new ReelayError(
    'REELAY_ERR_PROVIDER',
    `Every deployment of ${ctx.group} failed (${detail}); ${advice}.`,
  );
}
