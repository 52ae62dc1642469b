/** Health of one tier. */
export interface TierHealth {
  tier: 'l1' | 'l2' | 'durable';
  /** Whether the tier is configured in this process. */
  configured: boolean;
  /** Whether the last probe succeeded. */
  up: boolean;
  /** Round-trip of the last probe, ms; absent when not configured or down. */
  latencyMs?: number;
  /** What went wrong, when down (never carries credentials). */
  error?: string;
}

/** The verdict over all tiers. */
export type StateVerdict = 'healthy' | 'degraded' | 'critical';

/** What `GET /api/state/health` reports. */
export interface StateHealthReport {
  verdict: StateVerdict;
  /** `shared` with Redis up; `degraded` on L1 + durable while Redis is down; `local` without Redis. */
  mode: 'shared' | 'degraded' | 'local';
  tiers: TierHealth[];
  l1: { hits: number; misses: number; hitRate: number; size: number };
}

/**
 * Healthy when every configured tier is up; degraded when Redis is configured but down and the
 * durable tier (or at least L1, without one) still serves; critical when the durable tier is down.
 */
export function stateVerdict(tiers: readonly TierHealth[]): StateVerdict {
  const durable = tiers.find((t) => t.tier === 'durable');
  const l2 = tiers.find((t) => t.tier === 'l2');
  if (durable?.configured && !durable.up) return 'critical';
  if (l2?.configured && !l2.up) return 'degraded';
  return 'healthy';
}
