import { type Clock, systemClock } from '../domain/clock.js';
import { errorMessage, ReelayError } from '../domain/errors.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import type { CallRecord, CallRecordStore } from './call-record.js';
import { addToBucket, emptyBucket, HOUR_MS, type HourlyBucket, hourStartOf } from './hourly-bucket.js';
import { MemoryCallRecordStore } from './memory-call-record-store.js';
import { foldMetrics, type ProviderMetrics } from './performance-metrics.js';
import { bucketInWindow, type PerformanceWindow, windowMs } from './performance-window.js';
import { type PerformancePrediction, predictFromRecent } from './prediction.js';
import { computeTrend, type PerformanceTrend, type TrendMetric } from './trend.js';

/** Options of {@link ProviderPerformanceTracker}. */
export interface PerformanceTrackerOptions {
  /** Source of time. @default systemClock */
  clock?: Clock;
  /** Durable store of raw records. @default new MemoryCallRecordStore() */
  store?: CallRecordStore;
  /** Random source for latency reservoir sampling, [0, 1). @default Math.random */
  random?: () => number;
  /** Raw calls kept per provider for predictions. @default 100 */
  recentSize?: number;
  /** Latency samples kept per provider per hour. @default 128 */
  reservoirSize?: number;
  /** How long hourly buckets are kept, in ms. @default 2 592 000 000 (30 days) */
  retentionMs?: number;
  /** Where store failures are reported. @default silentLogger */
  logger?: Logger;
}

interface ProviderState {
  /** Hourly buckets by hour start. */
  buckets: Map<number, HourlyBucket>;
  /**
   * Earliest time at which a bucket is due to be dropped (its end + retention; Infinity without
   * buckets): until then pruning has nothing to do and does not walk the buckets.
   */
  pruneAt: number;
  /** The last `recentSize` raw calls, oldest first. */
  recent: CallRecord[];
}

/** Thirty days in ms. */
export const THIRTY_DAYS_MS = 30 * 24 * HOUR_MS;

/**
 * Records every provider call and answers metrics, trends and predictions in bounded memory:
 * per provider, one aggregate per hour (kept {@link PerformanceTrackerOptions.retentionMs}) and a
 * ring of the last {@link PerformanceTrackerOptions.recentSize} raw calls.
 *
 * @example
 * const tracker = new ProviderPerformanceTracker();
 * void tracker.record({ provider: 'openai', operation: 'chat', startedAt: Date.now(), latencyMs: 820, ok: true });
 * tracker.getMetrics('openai', '24h').p95Ms;
 * tracker.getTrend('openai', 'latency', '7d').direction; // 'improving' when latency falls
 * tracker.predict('openai'); // null until 10 calls are known
 */
export class ProviderPerformanceTracker {
  private readonly clock: Clock;
  private readonly store: CallRecordStore;
  private readonly random: () => number;
  private readonly recentSize: number;
  private readonly reservoirSize: number;
  private readonly retentionMs: number;
  private readonly logger: Logger;
  private readonly states = new Map<string, ProviderState>();

  constructor(options: PerformanceTrackerOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.store = options.store ?? new MemoryCallRecordStore();
    this.random = options.random ?? Math.random;
    this.recentSize = Math.max(1, options.recentSize ?? 100);
    this.reservoirSize = Math.max(1, options.reservoirSize ?? 128);
    this.retentionMs = options.retentionMs ?? THIRTY_DAYS_MS;
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * Records one call. Aggregates are updated synchronously; the returned promise settles when the
   * store has it. A store failure is logged, never thrown: recording must not fail a provider call.
   * @throws ReelayError `REELAY_ERR_VALIDATION` for a negative or non-finite latency, or a quality
   * score outside 0–10.
   */
  record(call: CallRecord): Promise<void> {
    validate(call);
    const state = this.stateOf(call.provider);
    const now = this.clock.now();
    this.prune(state, now);
    const hour = hourStartOf(call.startedAt);
    if (hour + HOUR_MS > now - this.retentionMs) {
      let bucket = state.buckets.get(hour);
      if (!bucket) {
        bucket = emptyBucket(hour);
        state.buckets.set(hour, bucket);
        state.pruneAt = Math.min(state.pruneAt, hour + HOUR_MS + this.retentionMs);
      }
      addToBucket(bucket, call, this.reservoirSize, this.random);
    }
    state.recent.push({ ...call });
    if (state.recent.length > this.recentSize) state.recent.shift();
    return this.store.append({ ...call }).catch((error: unknown) => {
      this.logger.warn(
        { tag: 'CALL_RECORD_STORE_FAILED', provider: call.provider, error: errorMessage(error) },
        'could not store a call record',
      );
    });
  }

  /** Metrics of one provider over a window (all zero when it has no calls there). */
  getMetrics(provider: string, window: PerformanceWindow = '24h'): ProviderMetrics {
    return foldMetrics(provider, window, windowMs(window) / 60_000, this.bucketsIn(provider, window));
  }

  /** Metrics of each hour of a window that has calls, oldest first (one entry per hourly bucket). */
  getHourlyMetrics(
    provider: string,
    window: PerformanceWindow = '24h',
  ): Array<ProviderMetrics & { hourStart: number }> {
    return this.bucketsIn(provider, window).map((b) => ({
      ...foldMetrics(provider, window, 60, [b]),
      hourStart: b.hourStart,
    }));
  }

  /** Trend of one metric over a window's hourly buckets, with its polarity applied. */
  getTrend(provider: string, metric: TrendMetric, window: PerformanceWindow = '24h'): PerformanceTrend {
    return computeTrend(provider, metric, window, this.bucketsIn(provider, window));
  }

  /** Prediction from the recent calls; null with fewer than 10. */
  predict(provider: string): PerformancePrediction | null {
    return predictFromRecent(provider, this.states.get(provider)?.recent ?? []);
  }

  /** The last raw calls of a provider (at most `recentSize`), oldest first. */
  recent(provider: string): readonly CallRecord[] {
    return [...(this.states.get(provider)?.recent ?? [])];
  }

  /** Success fraction of the recent calls (the "session" success rate); null when none. */
  recentSuccessRate(provider: string): number | null {
    const recent = this.states.get(provider)?.recent ?? [];
    if (recent.length === 0) return null;
    return recent.filter((c) => c.ok).length / recent.length;
  }

  /** Ids of providers with recorded calls. */
  providers(): string[] {
    return [...this.states.keys()];
  }

  /** Number of hourly buckets held for a provider (for memory checks). */
  bucketCount(provider: string): number {
    const state = this.states.get(provider);
    if (!state) return 0;
    this.prune(state, this.clock.now());
    return state.buckets.size;
  }

  private bucketsIn(provider: string, window: PerformanceWindow): HourlyBucket[] {
    const state = this.states.get(provider);
    if (!state) return [];
    const now = this.clock.now();
    this.prune(state, now);
    return [...state.buckets.values()]
      .filter((b) => bucketInWindow(b.hourStart, now, window))
      .sort((a, b) => a.hourStart - b.hourStart);
  }

  private stateOf(provider: string): ProviderState {
    let state = this.states.get(provider);
    if (!state) {
      state = { buckets: new Map(), pruneAt: Number.POSITIVE_INFINITY, recent: [] };
      this.states.set(provider, state);
    }
    return state;
  }

  /** Drops buckets that ended at or before now − retention (nothing to do before `pruneAt`). */
  private prune(state: ProviderState, now: number): void {
    if (now < state.pruneAt) return;
    let pruneAt = Number.POSITIVE_INFINITY;
    for (const hour of state.buckets.keys()) {
      if (hour + HOUR_MS <= now - this.retentionMs) state.buckets.delete(hour);
      else pruneAt = Math.min(pruneAt, hour + HOUR_MS + this.retentionMs);
    }
    state.pruneAt = pruneAt;
  }
}

function validate(call: CallRecord): void {
  // The common case, checked without building a list of problems.
  if (
    Number.isFinite(call.latencyMs) &&
    call.latencyMs >= 0 &&
    Number.isFinite(call.startedAt) &&
    (call.qualityScore === undefined || (call.qualityScore >= 0 && call.qualityScore <= 10)) &&
    (call.costUsd === undefined || call.costUsd >= 0)
  ) {
    return;
  }
  const problems: string[] = [];
  if (!Number.isFinite(call.latencyMs) || call.latencyMs < 0) problems.push('latencyMs must be ≥ 0');
  if (!Number.isFinite(call.startedAt)) problems.push('startedAt must be a time in ms');
  if (call.qualityScore !== undefined && !(call.qualityScore >= 0 && call.qualityScore <= 10)) {
    problems.push('qualityScore must be within 0–10');
  }
  if (call.costUsd !== undefined && !(call.costUsd >= 0)) problems.push('costUsd must be ≥ 0');
  if (problems.length > 0) {
    throw new ReelayError(
      'REELAY_ERR_VALIDATION',
      `Invalid call record for provider ${call.provider}: ${problems.join('; ')}. Fix the caller that records it.`,
      { provider: call.provider, details: { problems } },
    );
  }
}
