import type { CallRecord } from './call-record.js';
import { clamp } from './stats.js';

/** What the recent calls of a provider suggest about the next ones. */
export interface PerformancePrediction {
  provider: string;
  /** Failed / all over the last 24 calls, 0–1. */
  failureRate: number;
  /** Weighted mean latency (ms) of the last 50 calls; the i-th oldest weighs i (newest weighs most). */
  responseTimeMs: number;
  /** Mean quality 0–10 of the last 30 calls that had a score; null when none had. */
  quality: number | null;
  /** Suggested share of traffic, 0–1 (see {@link optimalLoad}). */
  optimalLoad: number;
  /** min(1, samples / 100). */
  confidence: number;
  /** Calls the prediction is based on. */
  samples: number;
}

/** Fewest recent calls for a prediction. */
export const MIN_PREDICTION_SAMPLES = 10;

/**
 * Suggested share of traffic for a provider, 0–1, starting at 0.5:
 * − 0.5 × failureRate; + 0.1 when responseTime < 5 000 ms, − 0.1 when > 30 000 ms;
 * + 0.1 × (quality − 5) / 5 when quality is known (−0.1 … +0.1); clamped to [0, 1].
 */
export function optimalLoad(failureRate: number, responseTimeMs: number, quality: number | null): number {
  let load = 0.5 - 0.5 * failureRate;
  if (responseTimeMs < 5_000) load += 0.1;
  else if (responseTimeMs > 30_000) load -= 0.1;
  if (quality !== null) load += (0.1 * (quality - 5)) / 5;
  return clamp(load, 0, 1);
}

/**
 * Predicts from the most recent calls (oldest first). Needs {@link MIN_PREDICTION_SAMPLES}
 * calls, else returns null.
 */
export function predictFromRecent(
  provider: string,
  recent: readonly CallRecord[],
): PerformancePrediction | null {
  const n = recent.length;
  if (n < MIN_PREDICTION_SAMPLES) return null;
  const last24 = recent.slice(-24);
  const failureRate = last24.filter((c) => !c.ok).length / last24.length;
  const last50 = recent.slice(-50);
  let weighted = 0;
  let weights = 0;
  last50.forEach((c, i) => {
    weighted += c.latencyMs * (i + 1);
    weights += i + 1;
  });
  const responseTimeMs = weighted / weights;
  const scored = recent
    .slice(-30)
    .map((c) => c.qualityScore)
    .filter((q): q is number => q !== undefined);
  const quality = scored.length === 0 ? null : scored.reduce((s, q) => s + q, 0) / scored.length;
  return {
    provider,
    failureRate,
    responseTimeMs,
    quality,
    optimalLoad: optimalLoad(failureRate, responseTimeMs, quality),
    confidence: Math.min(1, n / 100),
    samples: n,
  };
}
