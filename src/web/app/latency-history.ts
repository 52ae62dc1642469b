/** One sample of a provider's latency percentiles. */
export interface LatencySample {
  at: number;
  p50: number | null;
  p95: number | null;
}

/** Direction of p95 over the samples and where it is heading. */
export interface LatencyTrend {
  direction: 'improving' | 'degrading' | 'stable' | 'unknown';
  /** Change of p95 from the first to the last sample, percent. */
  changePct: number;
  /** p95 expected 10 minutes after the last sample (linear fit), ms. */
  predictedP95Ms: number | null;
}

const MAX_SAMPLES = 120;
const STORE = 'reelay.latencyHistory';

/** Samples kept for the tab (sessionStorage), so a reload does not empty the charts. */
export function loadHistory(): Record<string, LatencySample[]> {
  try {
    return JSON.parse(sessionStorage.getItem(STORE) ?? '{}') as Record<string, LatencySample[]>;
  } catch {
    return {};
  }
}

/** Adds a sample per provider and keeps the newest {@link MAX_SAMPLES}. */
export function addSample(
  history: Record<string, LatencySample[]>,
  provider: string,
  sample: LatencySample,
): void {
  const list = history[provider] ?? [];
  list.push(sample);
  history[provider] = list.slice(-MAX_SAMPLES);
  try {
    sessionStorage.setItem(STORE, JSON.stringify(history));
  } catch {
    // A full or disabled storage only costs the history across reloads.
  }
}

/** Least-squares trend of p95 (at least 3 samples), with a 10-minute prediction. */
export function latencyTrend(samples: readonly LatencySample[]): LatencyTrend {
  const points = samples.filter((s): s is LatencySample & { p95: number } => s.p95 !== null);
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last || points.length < 3)
    return { direction: 'unknown', changePct: 0, predictedP95Ms: null };
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.at, 0) / n;
  const my = points.reduce((a, p) => a + p.p95, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.at - mx) * (p.p95 - my);
    den += (p.at - mx) ** 2;
  }
  const slope = den === 0 ? 0 : num / den;
  const changePct = first.p95 === 0 ? 0 : ((last.p95 - first.p95) / first.p95) * 100;
  const direction = Math.abs(changePct) < 5 ? 'stable' : changePct < 0 ? 'improving' : 'degrading';
  const predicted = Math.max(0, my + slope * (last.at + 600_000 - mx));
  return { direction, changePct, predictedP95Ms: Math.round(predicted) };
}
