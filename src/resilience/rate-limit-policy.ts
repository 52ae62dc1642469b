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
 * progress, not a stall. A wait longer than the provider's `maxWaitMs` rejects at once with a
 * `rate_limit` error that the job's fallback policy handles (route away under `auto`).
 */
export class RateLimitPolicy implements CallPolicy {
  constructor(private readonly limiter: RateLimiter) {}

  async execute<T>(fn: CallFn<T>, ctx: CallContext): Promise<T> {
    const provider = ctx.call.provider;
    if (!this.limiter.governs(provider)) return fn(ctx);
    await this.limiter.acquire(provider, {
      tokens: estimatedTokens(ctx.profile?.estimatedUsage),
      signal: ctx.signal,
      onWait: (waitMs) =>
        ctx.heartbeat({
          message: `waiting for ${provider}'s rate limit, ${Math.max(1, Math.ceil(waitMs / 1000))} s`,
          waiting: 'rate_limit',
        }),
    });
    return fn(ctx);
  }
}
