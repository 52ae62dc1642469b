import { type CallContext, type CallFn, type CallPolicy, noHeartbeat } from '../domain/call-context.js';
import { ReelayError } from '../domain/errors.js';
import type { FallbackPolicy } from '../domain/fallback.js';
import type { ProviderCallContext } from '../domain/provider.js';
import type { ExecuteRequest } from './gateway-types.js';
import type { ProviderGateway } from './provider-gateway.js';
import { ProviderSwitchRequestedError } from './provider-switch-error.js';
import type { StallHandler } from './stall-handlers.js';

/**
 * Patience as a call policy: each attempt runs through the gateway's `executeWithPatience` —
 * lock check, latency categories, stall detection, heartbeat events — and the attempt's work gets
 * the monitored call's signal and heartbeat. Stalls are decided by the handler of the context's
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
      operation: operationOf(fn, ctx),
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

// In return position, so that tsx gives the closure no per-call name property.
function operationOf<T>(fn: CallFn<T>, ctx: CallContext): ExecuteRequest<T>['operation'] {
  return (monitored) => fn(new MonitoredContext(ctx, monitored));
}

/**
 * The context inside patience: the monitored call's signal and heartbeat over the outer context.
 * The signal is read through, not copied: the gateway creates a call's AbortSignal only when
 * someone reads it, and thousands of monitored calls at once must not each pay for one unread.
 */
class MonitoredContext implements CallContext {
  readonly call: CallContext['call'];
  readonly attempt: number;
  readonly heartbeat: CallContext['heartbeat'];
  readonly clock: CallContext['clock'];
  readonly profile: CallContext['profile'];
  readonly observer: CallContext['observer'];
  private readonly monitored: ProviderCallContext;

  constructor(outer: CallContext, monitored: ProviderCallContext) {
    this.call = outer.call;
    this.attempt = outer.attempt;
    this.clock = outer.clock;
    this.profile = outer.profile;
    this.observer = outer.observer;
    this.monitored = monitored;
    this.heartbeat = forward(monitored.heartbeat, outer);
  }

  get signal(): AbortSignal {
    return this.monitored.signal;
  }
}

/** Progress goes to the monitor first, then outward to the policies around patience. */
function forward(monitored: CallContext['heartbeat'], ctx: CallContext): CallContext['heartbeat'] {
  const outer = ctx.heartbeat;
  if (outer === noHeartbeat) return monitored;
  return (beat) => {
    outer(beat);
    monitored(beat);
  };
}

/** The gateway stopped the call on a decision (switch after a stall, cancel): not a provider failure. */
function isInterruption(error: unknown): boolean {
  return (
    ProviderSwitchRequestedError.isInstance(error) ||
    (ReelayError.isInstance(error) && error.code === 'REELAY_ERR_CANCELED')
  );
}
