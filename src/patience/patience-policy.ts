import type { CallContext, CallFn, CallPolicy, CallSettler } from '../domain/call-context.js';
import type { FallbackPolicy } from '../domain/fallback.js';
import type { ExecuteRequest } from './gateway-types.js';
import type { ProviderGateway } from './provider-gateway.js';
import { isInterruption } from './running-operation.js';
import type { StallHandler } from './stall-handlers.js';

/**
 * Patience as a call policy: each attempt runs through the gateway's `executeWithPatience` —
 * lock check, latency categories, stall detection, heartbeat events — and the attempt's work gets
 * one context: this context's identity, attempt, profile and observer with the monitored call's
 * signal and heartbeat (progress goes to the monitor and outward to the policies around patience). Stalls are decided by the handler of the context's
 * fallback policy (`stallHandlers`), or by the gateway's own when none is given.
 */
export class PatiencePolicy implements CallPolicy {
  constructor(
    private readonly gateway: Pick<ProviderGateway, 'executeWithPatience'> &
      Partial<Pick<ProviderGateway, 'executeSettled'>>,
    private readonly stallHandlers?: Readonly<Partial<Record<FallbackPolicy, StallHandler>>>,
  ) {}

  execute<T>(fn: CallFn<T>, ctx: CallContext): Promise<T> {
    const req = this.request(fn, ctx);
    const observer = ctx.observer;
    if (observer?.onInterrupted === undefined) return this.gateway.executeWithPatience(req);
    return this.gateway.executeWithPatience(req).catch((error: unknown) => {
      if (isInterruption(error)) observer.onInterrupted?.(error);
      throw error;
    });
  }

  /**
   * The pipeline's fast path: the gateway's run settles the pipeline's promise itself and tells
   * `settler` first (see {@link CallPolicy.executeSettled}); the observer hears of an
   * interruption as from {@link execute}. @internal used by the fused retry-and-breaker step
   */
  executeSettled<T>(fn: CallFn<T>, ctx: CallContext, settler: CallSettler, startedAt: number): Promise<T> {
    return this.settle(fn, fn, ctx, settler, startedAt);
  }

  /**
   * {@link executeSettled} around the policies inside patience (bulkhead, rate limit): the run's
   * work is `inner` around `fn`, while `settler` is handed `fn` itself (a recovery runs the whole
   * pipeline again). @internal used by `wrap(...)`
   */
  executeInnerSettled<T>(
    inner: CallPolicy,
    fn: CallFn<T>,
    ctx: CallContext,
    settler: CallSettler,
    startedAt: number,
  ): Promise<T> {
    return this.settle((c) => inner.execute(fn, c), fn, ctx, settler, startedAt);
  }

  private settle<T>(
    work: CallFn<T>,
    fn: CallFn<T>,
    ctx: CallContext,
    settler: CallSettler,
    startedAt: number,
  ): Promise<T> {
    const { gateway } = this;
    if (gateway.executeSettled !== undefined)
      return gateway.executeSettled(this.request(work, ctx), settler, startedAt, fn);
    return this.execute(work, ctx).then(
      (value) => settler.callSucceeded(value, fn, ctx, startedAt),
      (error: unknown) => settler.callFailed(error, fn, ctx, startedAt),
    );
  }

  private request<T>(fn: CallFn<T>, ctx: CallContext): ExecuteRequest<T> {
    const { call, profile } = ctx;
    const policy = profile?.fallbackPolicy;
    return {
      jobId: call.jobId,
      providerName: call.provider,
      stage: call.stage,
      correlationId: call.correlationId,
      attempt: ctx.attempt,
      signal: ctx.signal,
      // With `context` set, the gateway hands the operation a full CallContext (see ExecuteRequest).
      operation: fn as ExecuteRequest<T>['operation'],
      context: ctx,
      // One shape for every call (absent facts are undefined): no per-call property additions.
      providerType: profile?.providerType,
      heartbeatKind: profile?.heartbeatKind,
      fallbackPolicy: policy,
      stallHandler: policy === undefined ? undefined : this.stallHandlers?.[policy],
    };
  }
}
