import type { ErrorCategory } from '../domain/error-category.js';
import type { CallRecord } from './call-record.js';
import type { WeightedSample } from './stats.js';

/** One hour of one provider's calls, aggregated in bounded memory. */
export interface HourlyBucket {
  /** Start of the hour (ms since the Unix epoch, a multiple of 3 600 000). */
  readonly hourStart: number;
  count: number;
  successes: number;
  latencySumMs: number;
  firstProgressSumMs: number;
  firstProgressCount: number;
  costUsd: number;
  qualitySum: number;
  qualityCount: number;
  byCategory: Partial<Record<ErrorCategory, number>>;
  /** Uniform sample (Algorithm R) of at most `reservoirSize` latencies of this hour. */
  reservoir: number[];
}

/** One hour in ms. */
export const HOUR_MS = 3_600_000;

/** Start of the UTC hour containing `ms`. */
export function hourStartOf(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/** An empty bucket for the hour starting at `hourStart`. */
export function emptyBucket(hourStart: number): HourlyBucket {
  return {
    hourStart,
    count: 0,
    successes: 0,
    latencySumMs: 0,
    firstProgressSumMs: 0,
    firstProgressCount: 0,
    costUsd: 0,
    qualitySum: 0,
    qualityCount: 0,
    byCategory: {},
    reservoir: [],
  };
}

/**
 * Adds a call to a bucket. The latency reservoir keeps every latency until it holds
 * `reservoirSize`, then replaces a random slot with probability size/count (Algorithm R), so it
 * stays a uniform sample of the hour.
 */
export function addToBucket(
  bucket: HourlyBucket,
  call: CallRecord,
  reservoirSize: number,
  random: () => number,
): void {
  bucket.count += 1;
  if (call.ok) bucket.successes += 1;
  else if (call.category) bucket.byCategory[call.category] = (bucket.byCategory[call.category] ?? 0) + 1;
  bucket.latencySumMs += call.latencyMs;
  if (call.timeToFirstProgressMs !== undefined) {
    bucket.firstProgressSumMs += call.timeToFirstProgressMs;
    bucket.firstProgressCount += 1;
  }
  bucket.costUsd += call.costUsd ?? 0;
  if (call.qualityScore !== undefined) {
    bucket.qualitySum += call.qualityScore;
    bucket.qualityCount += 1;
  }
  if (bucket.reservoir.length < reservoirSize) {
    bucket.reservoir.push(call.latencyMs);
  } else {
    const slot = Math.floor(random() * bucket.count);
    if (slot < reservoirSize) bucket.reservoir[slot] = call.latencyMs;
  }
}

/** The bucket's latency samples, each weighted by the calls it stands for. */
export function bucketSamples(bucket: HourlyBucket): WeightedSample[] {
  const n = bucket.reservoir.length;
  if (n === 0) return [];
  const weight = bucket.count / n;
  return bucket.reservoir.map((value) => ({ value, weight }));
}
