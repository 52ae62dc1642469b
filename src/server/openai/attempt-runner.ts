import type { ErrorCategory } from '../../domain/error-category.js';
import { errorMessage, ReelayError } from '../../domain/errors.js';
import type { RateLimitTicket } from '../../resilience/rate-limiter.js';
import type { CallSlots } from '../../resilience/shared-bulkhead.js';
import type { ChatBody } from './chat-body.js';
import { upstreamBody } from './chat-body.js';
import type { Deployment } from './deployment-catalog.js';
import type { ProxyLimits } from './endpoint-options.js';
import type { OpenAiProxy } from './openai-proxy.js';
import { openUpstream, readBody, TransportFailure, type UpstreamResponse } from './upstream-call.js';
import { awaitFirstContent, type StreamRecorder, UpstreamStream } from './upstream-stream.js';
import { type UpstreamVerdict, verdictOf } from './upstream-verdict.js';

/** The facts of one request every attempt needs. */
export interface ExchangeContext {
  proxy: OpenAiProxy;
  body: ChatBody;
  group: string;
  limits: Readonly<ProxyLimits>;
  correlationId: string;
  /** Audit-trail key: `session:<id>` or `request:<correlation id>`. */
  auditKey: string;
  signal: AbortSignal;
  /** Attempts made so far (all deployments). */
  attempts: number;
}

/** The outcome of one attempt on one deployment. */
export type AttemptResult =
  | { ok: true; kind: 'stream'; stream: UpstreamStream; recorder: StreamRecorder }
  | { ok: true; kind: 'json'; obj: Record<string, unknown> }
  | { ok: false; verdict: UpstreamVerdict };

function transportVerdict(kind: string, message: string, category: ErrorCategory): UpstreamVerdict {
  // A reset may be a blip worth one retry; silence, slowness and refused connections mean switch.
  return {
    action: kind === 'reset' ? 'retry' : 'switch',
    category,
    status: 0,
    retryAfterMs: undefined,
    message,
    bodyText: '',
  };
}

/** A refusal by Reelay's own bulkhead or rate limiter: switch, never counted against the deployment. */
function limitVerdict(
  d: Deployment,
  error: unknown,
  category: ErrorCategory,
  status: number,
): UpstreamVerdict {
  const after = ReelayError.isInstance(error) ? error.retryAfterMs : undefined;
  return {
    action: 'switch',
    category,
    status,
    retryAfterMs: after ?? 1000,
    message: `${d.id}: ${errorMessage(error)}`,
    bodyText: '',
    ownLimit: true,
  };
}

/**
 * Makes one attempt on a deployment and classifies it, inside the deployment's bulkhead slot
 * when it has one (held until a stream ends). A stream succeeds once its first content arrives
 * within the first-token limit; a non-streaming answer once its whole JSON body arrives within
 * the response limit. Nothing is written to the client here.
 */
export function attemptDeployment(
  ctx: ExchangeContext,
  d: Deployment,
  prefill: string | undefined,
): Promise<AttemptResult> {
  const slots = ctx.proxy.options.bulkheads?.get(d.id);
  // Without a bulkhead no async frame of its own (its promise would add microtask turns).
  if (!slots) return attemptInSlot(ctx, d, prefill);
  return attemptWithSlot(ctx, d, prefill, slots);
}

async function attemptWithSlot(
  ctx: ExchangeContext,
  d: Deployment,
  prefill: string | undefined,
  slots: CallSlots,
): Promise<AttemptResult> {
  let release: () => void;
  try {
    release = await slots.acquire(ctx.signal);
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    return { ok: false, verdict: limitVerdict(d, error, 'provider_overload', 503) };
  }
  let result: AttemptResult;
  try {
    result = await attemptInSlot(ctx, d, prefill);
  } catch (error) {
    release();
    throw error;
  }
  if (result.ok && result.kind === 'stream') result.stream.whenFinished(release);
  else release();
  return result;
}

async function attemptInSlot(
  ctx: ExchangeContext,
  d: Deployment,
  prefill: string | undefined,
): Promise<AttemptResult> {
  const { proxy, limits, body } = ctx;
  const clock = proxy.clock;
  const startedAt = clock.now();
  const limitMs = body.stream ? limits.firstTokenTimeoutMs : limits.responseTimeoutMs;
  const limiter = proxy.options.rateLimiter;
  let ticket: RateLimitTicket | undefined;
  if (limiter?.governs(d.id)) {
    try {
      ticket = await limiter.acquire(d.id, { signal: ctx.signal });
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      return { ok: false, verdict: limitVerdict(d, error, 'rate_limit', 429) };
    }
  }
  let res: UpstreamResponse;
  try {
    res = await openUpstream({
      url: d.url,
      body: upstreamBody(body, d.model, prefill),
      apiKey: d.apiKey,
      headersTimeoutMs: limitMs,
      signal: ctx.signal,
      clock,
    });
  } catch (error) {
    ticket?.settle();
    const f = error instanceof TransportFailure ? error : new TransportFailure('connect', String(error));
    const category: ErrorCategory = f.kind === 'silent' ? 'timeout' : 'network_error';
    return { ok: false, verdict: transportVerdict(f.kind, `${d.id}: ${f.message}`, category) };
  }
  const status = res.status;
  ticket?.settle();
  limiter?.learn(d.id, res.headers, status);
  if (status < 200 || status >= 300) {
    const text = await readBody(res, 64 * 1024).catch(() => '');
    return {
      ok: false,
      verdict: verdictOf(
        d.id,
        status,
        res.headers,
        text,
        clock.now(),
        limits.maxRetryAfterMs,
        prefill !== undefined,
      ),
    };
  }
  const remaining = Math.max(1, limitMs - (clock.now() - startedAt));
  if (body.stream) {
    const stream = new UpstreamStream(res.body, clock);
    // Aborted while waiting for the first token (a lost hedge, a gone client): close at once.
    const onAbort = (): void => stream.close();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const first = await awaitFirstContent(stream, clock, remaining, () => countMalformed(ctx, d)).finally(
      () => ctx.signal.removeEventListener('abort', onAbort),
    );
    if (first.ok) return { ok: true, kind: 'stream', stream, recorder: first.recorder };
    const slow = first.reason === 'slow_first_token' || first.reason === 'stalled';
    const message = slow
      ? `${d.id}: no first token within ${limitMs} ms`
      : `${d.id}: the stream ended before any content (${first.reason})`;
    return {
      ok: false,
      verdict: transportVerdict(slow ? 'silent' : 'reset', message, slow ? 'timeout' : 'network_error'),
    };
  }
  const timer = clock.setTimeout(() => res.body.destroy(), remaining);
  try {
    const text = await readBody(res);
    const obj: unknown = JSON.parse(text);
    if (typeof obj !== 'object' || obj === null || !Array.isArray((obj as { choices?: unknown }).choices))
      throw new Error('not a chat completion');
    return { ok: true, kind: 'json', obj: obj as Record<string, unknown> };
  } catch (error) {
    const timedOut = clock.now() - startedAt >= limitMs;
    const message = timedOut
      ? `${d.id}: no complete answer within ${limitMs} ms`
      : `${d.id}: the answer was cut or malformed (${(error as Error).message.slice(0, 80)})`;
    return {
      ok: false,
      verdict: transportVerdict(
        timedOut ? 'silent' : 'reset',
        message,
        timedOut ? 'timeout' : 'network_error',
      ),
    };
  } finally {
    clock.clearTimeout(timer);
  }
}

/** Counts a skipped malformed chunk. */
export function countMalformed(ctx: ExchangeContext, d: Deployment): void {
  const m = ctx.proxy.malformedChunks;
  m.set(d.id, (m.get(d.id) ?? 0) + 1);
  ctx.proxy.emit({ type: 'proxy-malformed-chunk', correlationId: ctx.correlationId, deployment: d.id });
  ctx.proxy.logger.warn(
    { tag: 'OPENAI_PROXY_MALFORMED_CHUNK', deployment: d.id, correlationId: ctx.correlationId },
    'skipped a malformed upstream chunk',
  );
}
