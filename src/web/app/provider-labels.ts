import type { ProviderInfo } from '../../jobs/reelay-service.js';

/** "healthy", "unhealthy: <message>" or "not checked yet". */
export function healthText(p: ProviderInfo): string {
  if (!p.health) return 'not checked yet';
  return p.health.healthy ? 'healthy' : `unhealthy: ${p.health.message}`;
}

/** "breaker closed", "breaker open (maintenance)". */
export function breakerText(p: ProviderInfo): string {
  return `breaker ${p.breaker.state.replace(/_/g, '-')}${p.breaker.reason ? ` (${p.breaker.reason})` : ''}`;
}

/** True when the breaker lets calls through. */
export function breakerClosed(p: ProviderInfo): boolean {
  return p.breaker.state === 'closed';
}
