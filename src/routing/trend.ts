import { HOUR_MS, type HourlyBucket } from './hourly-bucket.js';
import type { PerformanceWindow } from './performance-window.js';
import { linearFit } from './stats.js';

/** Metrics a trend can follow. */
export type TrendMetric = 'latency' | 'successRate' | 'cost' | 'quality';

/** Direction of a metric over a window, with its polarity applied. */
export interface PerformanceTrend {
  provider: string;
  metric: TrendMetric;
  window: PerformanceWindow;
  /** `improving` means better for users: latency or cost falling, success rate or quality rising. */
  direction: 'improving' | 'degrading' | 'stable';
  /** Change from the first to the last hourly bucket, in percent of the first (signed). */
  changePct: number;
  /** R² of a least-squares line through the hourly values, 0–1 (0 with fewer than 2 buckets). */
  confidence: number;
  /** Hourly buckets with a value for the metric. */
  points: number;
}

/** Below this absolute change (percent) a trend is `stable`. */
export const STABLE_CHANGE_PCT = 5;

const HIGHER_IS_BETTER: Readonly<Record<TrendMetric, boolean>> = {
  latency: false,
  cost: false,
  successRate: true,
  quality: true,
};

/**
 * The per-hour value of a metric: mean latency (ms), success fraction, mean cost per call (so a
 * busier hour does not look costlier), mean quality; `undefined` when the hour has no value.
 */
export function bucketValue(bucket: HourlyBucket, metric: TrendMetric): number | undefined {
  if (bucket.count === 0) return undefined;
  switch (metric) {
    case 'latency':
      return bucket.latencySumMs / bucket.count;
    case 'successRate':
      return bucket.successes / bucket.count;
    case 'cost':
      return bucket.costUsd / bucket.count;
    case 'quality':
      return bucket.qualityCount === 0 ? undefined : bucket.qualitySum / bucket.qualityCount;
  }
}

/**
 * Trend of a metric over hourly buckets (sorted by hour): change between the first and the last
 * bucket (stable under {@link STABLE_CHANGE_PCT} %), confidence = R² of a linear fit of value
 * against hour. When the first value is 0 the change is 0 % if the last is 0 too, else ±100 %.
 */
export function computeTrend(
  provider: string,
  metric: TrendMetric,
  window: PerformanceWindow,
  buckets: readonly HourlyBucket[],
): PerformanceTrend {
  const points: { x: number; y: number }[] = [];
  for (const b of buckets) {
    const y = bucketValue(b, metric);
    if (y !== undefined) points.push({ x: b.hourStart / HOUR_MS, y });
  }
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last || points.length < 2) {
    return {
      provider,
      metric,
      window,
      direction: 'stable',
      changePct: 0,
      confidence: 0,
      points: points.length,
    };
  }
  let changePct: number;
  if (first.y === 0) changePct = last.y === 0 ? 0 : Math.sign(last.y) * 100;
  else changePct = ((last.y - first.y) / Math.abs(first.y)) * 100;
  let direction: PerformanceTrend['direction'] = 'stable';
  if (Math.abs(changePct) >= STABLE_CHANGE_PCT) {
    const rising = changePct > 0;
    direction = rising === HIGHER_IS_BETTER[metric] ? 'improving' : 'degrading';
  }
  return {
    provider,
    metric,
    window,
    direction,
    changePct,
    confidence: linearFit(points).r2,
    points: points.length,
  };
}
