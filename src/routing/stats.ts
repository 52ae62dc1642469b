/** A value with the number of calls it stands for (1 unless it was sampled). */
export interface WeightedSample {
  value: number;
  weight: number;
}

/**
 * The `p`-quantile (0 < p ≤ 1) of weighted samples: the smallest value whose cumulative weight
 * reaches `p` × total weight. With unit weights this is exactly `sorted[ceil(p·n) − 1]` (the
 * nearest-rank rule of docs/provider-selection.md#percentiles). Returns 0 for no samples.
 */
export function percentile(samples: readonly WeightedSample[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a.value - b.value);
  const total = sorted.reduce((sum, s) => sum + s.weight, 0);
  // The epsilon keeps p·n = 7.000000000000001 from rounding up to rank 8.
  const target = p * total - 1e-9;
  let cumulative = 0;
  for (const sample of sorted) {
    cumulative += sample.weight;
    if (cumulative >= target) return sample.value;
  }
  return sorted[sorted.length - 1]?.value ?? 0;
}

/** Result of {@link linearFit}. */
export interface LinearFit {
  slope: number;
  intercept: number;
  /** Coefficient of determination, 0–1 (1 when every y is equal: the flat line fits exactly). */
  r2: number;
}

/** Least-squares line through the points; `r2` is 0 for fewer than two points. */
export function linearFit(points: ReadonlyArray<{ x: number; y: number }>): LinearFit {
  const n = points.length;
  if (n === 0) return { slope: 0, intercept: 0, r2: 0 };
  const meanX = points.reduce((s, p) => s + p.x, 0) / n;
  const meanY = points.reduce((s, p) => s + p.y, 0) / n;
  if (n < 2) return { slope: 0, intercept: meanY, r2: 0 };
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const p of points) {
    sxy += (p.x - meanX) * (p.y - meanY);
    sxx += (p.x - meanX) ** 2;
    syy += (p.y - meanY) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const intercept = meanY - slope * meanX;
  if (syy === 0) return { slope, intercept, r2: 1 };
  const r2 = sxx === 0 ? 0 : (sxy * sxy) / (sxx * syy);
  return { slope, intercept, r2: Math.min(1, Math.max(0, r2)) };
}

/** Clamps `value` into [min, max]. */
export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
