import type { CallContext, CallFn, CallPolicy } from '../domain/call-context.js';
import type { Usage } from '../domain/provider.js';
import type { RateLimiter } from './rate-limiter.js';

/** Tokens a call is expected to use, from its estimated usage (0 when unknown). */
export function estimatedTokens(usage: Usage | undefined): number {
  return (usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0);
}

/**
 * Proactive rate limits as a call policy: each attempt first takes its place in the provider's
 * window ({@link RateLimiter}); while it waits, it pushes a heartbeat every second —
 * "waiting for openai's rate limit, 3 s", marked `waiting` so that patience counts it as
 * progress, not a stall. Once the provider answers, the call's place in the window moves to that
 * time, so network and event-loop delays never let one request too many into the provider's own
 * window. A wait longer than the provider's `maxWaitMs` rejects at once with a
 * `rate_limit` error that the job's fallback policy handles (route away under `auto`).
 */
export class RateLimitPolicy implements CallPolicy {
  constructor(private readonly limiter: RateLimiter) {}

  async execute<T>(fn: CallFn<T>, ctx: CallContext): Promise<T> {
    const provider = ctx.call.provider;
    if (!this.limiter.governs(provider)) return fn(ctx);
    const ticket = await this.limiter.acquire(provider, {
      tokens: estimatedTokens(ctx.profile?.estimatedUsage),
      signal: ctx.signal,
      onWait: (waitMs) =>
        ctx.heartbeat({
          message: `waiting for ${provider}'s rate limit, ${Math.max(1, Math.ceil(waitMs / 1000))} s`,
          waiting: 'rate_limit',
        }),
    });
    // The provider's first sign of life proves the request arrived: the count moves to then.
    const outer = ctx.heartbeat;
    const settled: CallContext = {
      ...ctx,
      // Read through: inside patience the signal is a getter, which a spread would drop.
      signal: ctx.signal,
      heartbeat: (beat) => {
        if (beat.waiting === undefined) ticket.settle();
        outer(beat);
      },
    };
    try {
      return await fn(settled);
    } finally {
      ticket.settle();
    }
  }
}
