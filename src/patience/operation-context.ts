import type { HeartbeatFn } from '../domain/heartbeat.js';
import type { ProviderCallContext } from '../domain/provider.js';

/**
 * The {@link ProviderCallContext} a patient call hands its operation. `signal` is read from the
 * call's AbortController on first access: Node creates an AbortSignal lazily (≈ 0.8 KB and a few
 * µs each), so an operation that never looks at its signal does not pay for one, while one that
 * does gets the same signal the gateway aborts on cancel, switch or stall — already aborted, with
 * its reason, when the abort came first.
 *
 * `signal` is an accessor on the prototype: pass `ctx.signal` on explicitly (as every adapter does)
 * rather than copying the context with a spread.
 *
 * @example
 * const ctx = new OperationContext({ controller: new AbortController() }, (beat) => tracker.record(beat, Date.now()));
 * await fetch(url, { signal: ctx.signal });
 */
export class OperationContext implements ProviderCallContext {
  readonly #call: { readonly controller: AbortController };
  /** Push progress as work advances. */
  readonly heartbeat: HeartbeatFn;

  /** @param call holds the call's controller (read on first access to `signal`). */
  constructor(call: { readonly controller: AbortController }, heartbeat: HeartbeatFn) {
    this.#call = call;
    this.heartbeat = heartbeat;
  }

  /** Aborted when the call must stop (cancel, switch, stall under `off`). */
  get signal(): AbortSignal {
    return this.#call.controller.signal;
  }
}
