import type { CallContext, CallFn, CallPolicy } from '../domain/call-context.js';
import { ReelayError } from '../domain/errors.js';
import type { FallbackPolicy } from '../domain/fallback.js';
import type { ExecuteRequest } from './gateway-types.js';
import type { ProviderGateway } from './provider-gateway.js';
import { ProviderSwitchRequestedError } from './provider-switch-error.js';
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
    private readonly gateway: Pick<ProviderGateway, 'executeWithPatience'>,
    private readonly stallHandlers?: Readonly<Partial<Record<FallbackPolicy, StallHandler>>>,
  ) {}

  execute<T>(fn: CallFn<T>, ctx: CallContext): Promise<T> {
    const { call, profile } = ctx;
    const policy = profile?.fallbackPolicy;
    const stallHandler = policy === undefined ? undefined : this.stallHandlers?.[policy];
    const req: ExecuteRequest<T> = {
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
      stallHandler,
    };
    const observer = ctx.observer;
    if (observer?.onInterrupted === undefined) return this.gateway.executeWithPatience(req);
    return this.gateway.executeWithPatience(req).catch((error: unknown) => {
      if (isInterruption(error)) observer.onInterrupted?.(error);
      throw error;
    });
  }
}

/** The gateway stopped the call on a decision (switch after a stall, cancel): not a provider failure. */
function isInterruption(error: unknown): boolean {
  return (
    ProviderSwitchRequestedError.isInstance(error) ||
    (ReelayError.isInstance(error) && error.code === 'REELAY_ERR_CANCELED')
  );
}
