import type { ErrorCategory } from '../domain/error-category.js';
import { bucketSamples, type HourlyBucket } from './hourly-bucket.js';
import type { PerformanceWindow } from './performance-window.js';
import { percentile } from './stats.js';

/** Aggregated performance of one provider over one window. */
export interface ProviderMetrics {
  provider: string;
  window: PerformanceWindow;
  /** Calls in the window. */
  calls: number;
  /** Successful calls / calls, 0–1 (0 when there were no calls). */
  successRate: number;
  /** Failed calls / calls, 0–1 (0 when there were no calls). */
  errorRate: number;
  /** Latency percentiles in ms over the kept samples (0 when there were no calls). */
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Mean latency in ms over every call (exact, not sampled). */
  avgLatencyMs: number;
  /** Mean time to first progress in ms, over the calls that reported it; null when none did. */
  avgTimeToFirstProgressMs: number | null;
  /** Calls per minute over the window's nominal length. */
  throughputPerMin: number;
  /** Total spend in US dollars. */
  costUsd: number;
  /** Mean quality score 0–10 over the calls that had one; null when none had. */
  avgQuality: number | null;
  /** Failed calls per error category. */
  byCategory: Partial<Record<ErrorCategory, number>>;
}

/**
 * Folds hourly buckets into {@link ProviderMetrics}. Percentiles use the nearest-rank rule
 * `sorted[ceil(p·n) − 1]` over the latency samples kept per hour; an hour with more calls than
 * its reservoir contributes a uniform sample whose values are weighted by calls/sample, so
 * percentiles are exact until an hour overflows its reservoir and approximate after.
 */
export function foldMetrics(
  provider: string,
  window: PerformanceWindow,
  windowMinutes: number,
  buckets: readonly HourlyBucket[],
): ProviderMetrics {
  let calls = 0;
  let successes = 0;
  let latencySum = 0;
  let firstProgressSum = 0;
  let firstProgressCount = 0;
  let costUsd = 0;
  let qualitySum = 0;
  let qualityCount = 0;
  const byCategory: Partial<Record<ErrorCategory, number>> = {};
  const samples = [];
  for (const b of buckets) {
    calls += b.count;
    successes += b.successes;
    latencySum += b.latencySumMs;
    firstProgressSum += b.firstProgressSumMs;
    firstProgressCount += b.firstProgressCount;
    costUsd += b.costUsd;
    qualitySum += b.qualitySum;
    qualityCount += b.qualityCount;
    for (const [category, n] of Object.entries(b.byCategory) as [ErrorCategory, number][]) {
      byCategory[category] = (byCategory[category] ?? 0) + n;
    }
    samples.push(...bucketSamples(b));
  }
  return {
    provider,
    window,
    calls,
    successRate: calls === 0 ? 0 : successes / calls,
    errorRate: calls === 0 ? 0 : (calls - successes) / calls,
    p50Ms: percentile(samples, 0.5),
    p95Ms: percentile(samples, 0.95),
    p99Ms: percentile(samples, 0.99),
    avgLatencyMs: calls === 0 ? 0 : latencySum / calls,
    avgTimeToFirstProgressMs: firstProgressCount === 0 ? null : firstProgressSum / firstProgressCount,
    throughputPerMin: calls / windowMinutes,
    costUsd,
    avgQuality: qualityCount === 0 ? null : qualitySum / qualityCount,
    byCategory,
  };
}
