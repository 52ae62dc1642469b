import type { FastifyReply, FastifyRequest } from 'fastify';
import { ReelayError } from '../../domain/errors.js';
import type { FallbackPolicy } from '../../domain/fallback.js';
import type { ExchangeContext } from './attempt-runner.js';
import { parseChatBody } from './chat-body.js';
import type { Deployment } from './deployment-catalog.js';
import type { ProxyLimits } from './endpoint-options.js';
import type { Refusal } from './failover-loop.js';
import { readHedgeHeader } from './hedge-header.js';
import { acquireHedged, type HedgedAcquired } from './hedged-acquire.js';
import type { OpenAiProxy } from './openai-proxy.js';
import { readReelayHeaders } from './reelay-headers.js';
import { refusalToReply } from './refusal-reply.js';
import { relayStream } from './stream-relay.js';
import { countUsage, usageFrom } from './usage-counter.js';

/** The `x-reelay-*` response headers of an answer. */
function reelayHeaders(d: Deployment, ctx: ExchangeContext, fallbacks: number): Record<string, string> {
  return {
    'x-reelay-deployment': d.id,
    'x-reelay-attempts': String(ctx.attempts),
    'x-reelay-fallbacks': String(fallbacks),
  };
}

function textOf(obj: Record<string, unknown>): string {
  const choice = (obj.choices as Array<{ message?: { content?: unknown } }>)[0];
  return typeof choice?.message?.content === 'string' ? choice.message.content : '';
}

/**
 * Serves one `POST /v1/chat/completions`: resolves the group and chain (session pin, explicit
 * chain, an answered `ask` decision), acquires a deployment through the failover loop, and sends
 * the answer (JSON, or a relayed SSE stream) with `model` naming the deployment and `usage` always
 * present — or the refusal as problem details / the upstream's own error.
 */
export async function handleChat(
  proxy: OpenAiProxy,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<unknown> {
  const body = parseChatBody(request.body);
  const h = readReelayHeaders(request.headers);
  const hedgeRequest = readHedgeHeader(request.headers);
  const { catalog, clock } = proxy;
  const { group, pinned } = catalog.resolveGroup(body.model);
  const config = catalog.group(group);
  if (!config)
    throw new ReelayError('REELAY_ERR_INTERNAL', `Model group ${group} vanished from the catalog.`);
  const shared = proxy.limitsOf(group, config);
  const limits: Readonly<ProxyLimits> =
    h.firstTokenTimeoutMs === undefined && h.stallTimeoutMs === undefined
      ? shared
      : {
          ...shared,
          firstTokenTimeoutMs: h.firstTokenTimeoutMs ?? shared.firstTokenTimeoutMs,
          stallTimeoutMs: h.stallTimeoutMs ?? shared.stallTimeoutMs,
        };
  let policy: FallbackPolicy = h.fallback ?? config.policy;
  const auditKey = h.session ? `session:${h.session}` : `request:${request.id}`;
  let chain = catalog.chain(group, pinned, h.fallbackModels);
  let locked: Deployment | undefined;
  if (h.session && !pinned && !h.fallbackModels) {
    const pin = await proxy.sessions.get(h.session);
    const kept = pin && pin.group === group ? chain.find((d) => d.id === pin.deployment) : undefined;
    if (kept) chain = [kept, ...chain.filter((d) => d !== kept)];
    locked = kept;
  }
  if (h.decision) {
    const check = proxy.tokens.verify(h.decision.token, clock.now());
    if (!check.ok)
      throw new ReelayError(
        'REELAY_ERR_VALIDATION',
        `The decision token is not valid (${check.reason}); repeat the request without it to get a new one.`,
        {
          details: { fields: [{ field: 'x-reelay-decision', message: check.reason }] },
        },
      );
    const { claims } = check;
    const chosen = claims.alternatives.includes(h.decision.choose)
      ? catalog.deployment(h.decision.choose)
      : undefined;
    if (claims.group !== group || !chosen)
      throw new ReelayError(
        'REELAY_ERR_VALIDATION',
        `x-reelay-choose must be one of the offered alternatives: ${claims.alternatives.join(', ')}.`,
        {
          details: { fields: [{ field: 'x-reelay-choose', message: 'not an offered alternative' }] },
        },
      );
    await proxy.recordConfirmed({
      auditKey,
      from: claims.from,
      to: chosen.id,
      correlationId: request.id,
      elapsedMs: 0,
      category: claims.category,
      context: `client chose ${chosen.id} after ${claims.from} failed (${claims.category}); decision ${claims.id}`,
    });
    chain = [chosen];
    policy = 'off';
  }

  const abort = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) abort.abort();
  });
  const ctx: ExchangeContext = {
    proxy,
    body,
    group,
    limits,
    correlationId: request.id,
    auditKey,
    signal: abort.signal,
    attempts: 0,
  };
  const got: HedgedAcquired | Refusal = await acquireHedged(
    ctx,
    { chain, policy },
    { config: proxy.options.hedging, request: hedgeRequest, locked },
  );
  if (!got.ok) return refusalToReply(proxy, ctx, got, h.session, request, reply);

  const d = got.deployment;
  const pinTo = (to: Deployment): void => {
    if (h.session)
      void proxy.sessions.set(h.session, { deployment: to.id, group }, limits.stickyTtlMs).catch(() => {});
  };
  pinTo(got.pin);
  if (got.result.kind === 'json') {
    const obj = got.result.obj;
    obj.model = d.id;
    const usage = usageFrom(obj.usage) ?? (await countUsage(body.messages, textOf(obj)));
    obj.usage = usage;
    proxy.charge(d, usage, auditKey);
    return reply.headers(reelayHeaders(d, ctx, got.fallbacks)).send(obj);
  }
  reply.hijack();
  const headers = {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...reelayHeaders(d, ctx, got.fallbacks),
  };
  await relayStream(ctx, reply.raw, got, {
    chain,
    policy,
    recovery: h.streamRecovery,
    headers,
    onSwitch: pinTo,
  });
  return undefined;
}
