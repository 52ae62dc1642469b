/**
 * What the routing layer needs to know about circuit breakers: whether a provider's breaker is
 * open right now. Structural, so the resilience layer's `CircuitBreakerRegistry` satisfies it
 * without routing importing resilience.
 */
export interface BreakerView {
  /** True while the provider's breaker is open (calls are refused). */
  isOpen(providerId: string): boolean;
}

/** A {@link BreakerView} that never reports an open breaker (no breakers configured). */
export const noBreakers: BreakerView = { isOpen: () => false };
