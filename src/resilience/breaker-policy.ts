import type { CallContext, CallFn, CallPolicy } from '../domain/call-context.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import type { CircuitBreakerRegistry } from './circuit-breaker-registry.js';

/**
 * The circuit breaker as a call policy: each attempt passes the breaker of `ctx.call.provider`;
 * an open circuit rejects with `CircuitOpenError`, and an attempt aborted through `ctx.signal` is
 * not held against the provider.
 */
export class BreakerPolicy implements CallPolicy {
  constructor(private readonly breakers: CircuitBreakerRegistry) {}

  execute<T>(fn: CallFn<T>, ctx: CallContext): Promise<T> {
    return this.breakers.get(ctx.call.provider).executeCall(undefined, fn, ctx);
  }

  executeInner<T>(inner: CallPolicy, fn: CallFn<T>, ctx: CallContext): Promise<T> {
    return this.breakers.get(ctx.call.provider).executeCall(inner, fn, ctx);
  }

  /** The breaker of `provider`. @internal used by the fused retry-and-breaker step */
  breakerOf(provider: string): CircuitBreaker {
    return this.breakers.get(provider);
  }
}
