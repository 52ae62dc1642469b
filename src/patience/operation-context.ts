import type { CallContext, CallIdentity, CallObserver, CallProfile } from '../domain/call-context.js';
import type { Clock } from '../domain/clock.js';
import type { HeartbeatFn } from '../domain/heartbeat.js';
import type { ProviderCallContext } from '../domain/provider.js';

/**
 * The one context a patient call hands its operation: a {@link ProviderCallContext} (signal,
 * heartbeat) and, inside the call pipeline, the {@link CallContext} the patience policy passes
 * on (the outer context's identity, attempt, clock, profile and observer, with the monitored
 * call's signal and heartbeat). One object per call, fields copied (a policy inside patience may
 * spread it), no closure of its own.
 *
 * `signal` is read from the call's AbortController on first access: Node creates an AbortSignal
 * lazily (≈ 0.8 KB and a few µs each), so an operation that never looks at its signal does not
 * pay for one, while one that does gets the same signal the gateway aborts on cancel, switch or
 * stall — already aborted, with its reason, when the abort came first. It is an accessor on the
 * prototype: pass `ctx.signal` on explicitly (as every adapter does) rather than copying the
 * context with a spread.
 *
 * @example
 * const ctx = new OperationContext({ controller: new AbortController() }, heartbeat, identity, 1, clock);
 * await fetch(url, { signal: ctx.signal });
 */
export class OperationContext implements CallContext, ProviderCallContext {
  readonly #call: { readonly controller: AbortController };
  /** Push progress as work advances. */
  readonly heartbeat: HeartbeatFn;
  readonly call: CallIdentity;
  readonly attempt: number;
  readonly clock: Clock;
  readonly profile: CallProfile | undefined;
  readonly observer: CallObserver | undefined;

  /**
   * @param call holds the call's controller (read on first access to `signal`).
   * @param outer the pipeline context patience was given, when there is one.
   */
  constructor(
    call: { readonly controller: AbortController },
    heartbeat: HeartbeatFn,
    identity: CallIdentity,
    attempt: number,
    clock: Clock,
    outer?: CallContext,
  ) {
    this.#call = call;
    this.heartbeat = heartbeat;
    this.call = identity;
    this.attempt = attempt;
    this.clock = clock;
    this.profile = outer?.profile;
    this.observer = outer?.observer;
  }

  /** Aborted when the call must stop (cancel, switch, stall under `off`). */
  get signal(): AbortSignal {
    return this.#call.controller.signal;
  }
}
