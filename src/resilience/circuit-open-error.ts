import { ReelayError } from '../domain/errors.js';
import type { BreakerState } from './circuit-breaker-state.js';

function explain(provider: string, state: BreakerState, retryInMs: number | undefined, now: number): string {
  switch (state.state) {
    case 'open':
      if (state.manual || retryInMs === undefined) {
        return `${provider} is switched off (${state.reason}) and stays off until an operator closes its circuit: choose another provider.`;
      }
      return `The circuit for ${provider} is open after repeated failures (${state.reason}); it will be tried again in ${Math.ceil(retryInMs / 1000)} s (at ${new Date(now + retryInMs).toISOString()}): choose another provider or wait.`;
    case 'isolated':
      return `${provider} is isolated (${state.reason}) and stays off until an operator closes its circuit: choose another provider.`;
    case 'half_open':
      return `${provider} is recovering and all its trial calls are in flight: try again shortly or choose another provider.`;
    case 'closed':
      return `${provider} refused the call although its circuit is closed: try again.`;
  }
}

/**
 * Thrown when a provider's circuit breaker refuses a call. Names the provider, why, and when it
 * will be tried again (`retryAfterMs`, absent when only an operator can reopen it). Category
 * `provider_overload`, not retryable: pick another provider.
 */
export class CircuitOpenError extends ReelayError {
  /** State name of the breaker that refused the call. */
  readonly breakerState: BreakerState['state'];

  constructor(provider: string, state: BreakerState, retryInMs: number | undefined, now: number) {
    super('REELAY_ERR_CIRCUIT_OPEN', explain(provider, state, retryInMs, now), {
      category: 'provider_overload',
      retryable: false,
      provider,
      retryAfterMs: retryInMs,
      details: { breakerState: state.state, retryInMs },
    });
    this.name = 'CircuitOpenError';
    this.breakerState = state.state;
  }
}
