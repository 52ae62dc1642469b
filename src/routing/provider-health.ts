import type { HealthReport } from '../domain/provider.js';
import type { StoredHealth } from '../state/router-state.js';

/** What the health monitor knows about one provider. */
export interface ProviderHealth {
  provider: string;
  /** Result of the last check. */
  healthy: boolean;
  /** When the last check finished (ms since the Unix epoch). */
  lastCheckedAt: number;
  /** How long the last check took, in ms. */
  latencyMs: number;
  /** What the last check found, e.g. "12 models available", "timed out after 10000 ms". */
  message: string;
  /** Fraction 0–1 of successful checks among the last `uptimeWindow` checks. */
  uptime: number;
  /** Failed checks since the last successful one. */
  consecutiveFailures: number;
  /** Checks counted in `uptime`. */
  checks: number;
}

/** Emitted when a provider's `healthy` flag changes (including its first check). */
export interface HealthChangedEvent {
  type: 'health-changed';
  provider: string;
  healthy: boolean;
  /** The previous flag; null on the first check. */
  previous: boolean | null;
  message: string;
  /** ISO-8601 time of the check. */
  timestamp: string;
}

/** Events of the health monitor. */
export type HealthMonitorEvent = HealthChangedEvent;

/** The stored form of a provider's health, with the results of its recent checks (oldest first). */
export function toStoredHealth(health: ProviderHealth, recent: readonly boolean[]): StoredHealth {
  return {
    healthy: health.healthy,
    latencyMs: health.latencyMs,
    message: health.message,
    checkedAt: health.lastCheckedAt,
    uptime: health.uptime,
    consecutiveFailures: health.consecutiveFailures,
    recent: [...recent],
  };
}

/** A provider's health read back from its stored form, with the recent check results. */
export function fromStoredHealth(
  provider: string,
  stored: StoredHealth,
): { health: ProviderHealth; recent: boolean[] } {
  const recent = stored.recent ? [...stored.recent] : [stored.healthy];
  return {
    recent,
    health: {
      provider,
      healthy: stored.healthy,
      lastCheckedAt: stored.checkedAt,
      latencyMs: stored.latencyMs,
      message: stored.message,
      uptime: stored.uptime ?? recent.filter(Boolean).length / recent.length,
      consecutiveFailures: stored.consecutiveFailures ?? (stored.healthy ? 0 : 1),
      checks: recent.length,
    },
  };
}

/**
 * A provider's health after one recorded check: `history` is the window of recent results
 * including this one (uptime is its healthy share), consecutive failures count on from `previous`.
 */
export function healthAfterCheck(
  providerId: string,
  report: HealthReport,
  previous: ProviderHealth | undefined,
  history: readonly boolean[],
  now: number,
): ProviderHealth {
  return {
    provider: providerId,
    healthy: report.healthy,
    lastCheckedAt: now,
    latencyMs: report.latencyMs,
    message: report.message,
    uptime: history.length === 0 ? 0 : history.filter(Boolean).length / history.length,
    consecutiveFailures: report.healthy ? 0 : (previous?.consecutiveFailures ?? 0) + 1,
    checks: history.length,
  };
}
