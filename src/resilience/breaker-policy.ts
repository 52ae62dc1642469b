import type { CallContext, CallFn, CallPolicy } from '../domain/call-context.js';
import type { CircuitBreakerRegistry } from './circuit-breaker-registry.js';

/**
 * The circuit breaker as a call policy: each attempt passes the breaker of `ctx.call.provider`;
 * an open circuit rejects with `CircuitOpenError`, and an attempt aborted through `ctx.signal` is
 * not held against the provider.
 */
export class BreakerPolicy implements CallPolicy {
  constructor(private readonly breakers: CircuitBreakerRegistry) {}

  execute<T>(fn: CallFn<T>, ctx: CallContext): Promise<T> {
    // The breaker passes its own signal only when none is given; ours is always given.
    return this.breakers.get(ctx.call.provider).execute(() => fn(ctx), ctx.signal);
  }
}
