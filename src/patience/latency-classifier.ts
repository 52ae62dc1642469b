import type { ResolvedTimeoutProfile } from '../config/timeout-profile-schema.js';
import type { LatencyCategory } from '../domain/latency.js';

/** Thresholds the classifier reads (a resolved profile satisfies it). */
export type LatencyThresholds = Pick<ResolvedTimeoutProfile, 'normalMs' | 'extendedMs'>;

/**
 * The elapsed-time category of a call against THIS provider's thresholds (after the patience
 * profile). Boundaries belong to the later category: `elapsed < normalMs` → Normal,
 * `normalMs ≤ elapsed < extendedMs` → Extended, `elapsed ≥ extendedMs` → DeepWait.
 *
 * @example classifyLatency(30_000, { normalMs: 30_000, extendedMs: 180_000 }) // 'Extended'
 */
export function classifyLatency(
  elapsedMs: number,
  thresholds: LatencyThresholds,
): Extract<LatencyCategory, 'Normal' | 'Extended' | 'DeepWait'> {
  if (elapsedMs < thresholds.normalMs) return 'Normal';
  if (elapsedMs < thresholds.extendedMs) return 'Extended';
  return 'DeepWait';
}

/** Elapsed ms at which the elapsed-time category next changes, or undefined once in DeepWait. */
export function nextLatencyBoundary(elapsedMs: number, thresholds: LatencyThresholds): number | undefined {
  if (elapsedMs < thresholds.normalMs) return thresholds.normalMs;
  if (elapsedMs < thresholds.extendedMs) return thresholds.extendedMs;
  return undefined;
}
