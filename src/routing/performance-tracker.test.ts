import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../domain/clock.js';
import { MemoryLogger } from '../domain/logger.js';
import type { CallRecord, CallRecordStore } from './call-record.js';
import { HOUR_MS } from './hourly-bucket.js';
import { MemoryCallRecordStore } from './memory-call-record-store.js';
import { ProviderPerformanceTracker, THIRTY_DAYS_MS } from './performance-tracker.js';
import { optimalLoad } from './prediction.js';
import { linearFit, percentile } from './stats.js';

const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);

function call(over: Partial<CallRecord> = {}): CallRecord {
  return { provider: 'p', operation: 'chat', startedAt: Date.now(), latencyMs: 1000, ok: true, ...over };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());

describe('percentile and linear fit', () => {
  it('uses sorted[ceil(p·n) − 1] with unit weights', () => {
    const samples = [5, 1, 4, 2, 3].map((value) => ({ value, weight: 1 }));
    expect(percentile(samples, 0.5)).toBe(3); // ceil(2.5) − 1 = 2
    expect(percentile(samples, 0.2)).toBe(1); // ceil(1) − 1 = 0
    expect(percentile(samples, 0.21)).toBe(2); // ceil(1.05) − 1 = 1
    expect(percentile([], 0.5)).toBe(0);
  });

  it('R² is 1 on a line and 0.25 on [1, 3, 2]', () => {
    expect(linearFit([0, 1, 2].map((x) => ({ x, y: 2 * x + 1 }))).r2).toBeCloseTo(1, 10);
    expect(linearFit([1, 3, 2].map((y, x) => ({ x, y }))).r2).toBeCloseTo(0.25, 10);
    expect(linearFit([{ x: 0, y: 1 }]).r2).toBe(0);
  });
});

describe('ProviderPerformanceTracker metrics', () => {
  it('computes rates, percentiles, averages, cost, quality and categories', async () => {
    const tracker = new ProviderPerformanceTracker();
    for (let i = 1; i <= 20; i += 1) {
      await tracker.record(
        call({
          latencyMs: i * 100,
          ok: i > 4,
          ...(i <= 4 ? { category: i <= 3 ? 'timeout' : 'rate_limit' } : {}),
          costUsd: 0.01,
          ...(i % 2 === 0 ? { qualityScore: 8 } : {}),
          ...(i === 1 ? { timeToFirstProgressMs: 300 } : {}),
        }),
      );
    }
    const m = tracker.getMetrics('p', '1h');
    expect(m.calls).toBe(20);
    expect(m.successRate).toBeCloseTo(0.8, 10);
    expect(m.errorRate).toBeCloseTo(0.2, 10);
    expect(m.p50Ms).toBe(1000); // sorted[9]
    expect(m.p95Ms).toBe(1900); // sorted[18]
    expect(m.p99Ms).toBe(2000); // sorted[ceil(19.8) − 1] = sorted[19]
    expect(m.avgLatencyMs).toBe(1050);
    expect(m.avgTimeToFirstProgressMs).toBe(300);
    expect(m.costUsd).toBeCloseTo(0.2, 10);
    expect(m.avgQuality).toBe(8);
    expect(m.byCategory).toEqual({ timeout: 3, rate_limit: 1 });
    expect(m.throughputPerMin).toBeCloseTo(20 / 60, 10);
  });

  it('returns zeros and nulls for a provider without calls', () => {
    const m = new ProviderPerformanceTracker().getMetrics('none', '24h');
    expect(m).toMatchObject({ calls: 0, successRate: 0, errorRate: 0, p95Ms: 0, avgQuality: null });
  });

  it('keeps a bounded reservoir per hour and weights its samples', async () => {
    const tracker = new ProviderPerformanceTracker({ reservoirSize: 4, random: () => 0.99 });
    for (const latencyMs of [100, 200, 300, 400, 500, 600, 700, 800])
      await tracker.record(call({ latencyMs }));
    const m = tracker.getMetrics('p', '1h');
    expect(m.calls).toBe(8);
    expect(m.avgLatencyMs).toBe(450); // exact, not sampled
    // random 0.99 never replaces: the kept samples are 100…400, each standing for 2 calls.
    expect(m.p99Ms).toBe(400);
    expect(m.p50Ms).toBe(200);
  });

  it('a 1h window holds the buckets overlapping the last hour (boundary at the bucket end + 1h)', async () => {
    const tracker = new ProviderPerformanceTracker();
    await tracker.record(call({ startedAt: T0 + 30 * 60_000 }));
    vi.setSystemTime(T0 + 2 * HOUR_MS - 1);
    expect(tracker.getMetrics('p', '1h').calls).toBe(1);
    vi.setSystemTime(T0 + 2 * HOUR_MS);
    expect(tracker.getMetrics('p', '1h').calls).toBe(0);
    expect(tracker.getMetrics('p', '24h').calls).toBe(1);
  });

  it('windows 24h and 7d separate older calls', async () => {
    const tracker = new ProviderPerformanceTracker();
    vi.setSystemTime(T0 + 3 * 24 * HOUR_MS);
    await tracker.record(call({ startedAt: T0 }));
    await tracker.record(call({ startedAt: T0 + 3 * 24 * HOUR_MS - 1 }));
    expect(tracker.getMetrics('p', '24h').calls).toBe(1);
    expect(tracker.getMetrics('p', '7d').calls).toBe(2);
    expect(tracker.getMetrics('p', '30d').calls).toBe(2);
  });

  it('drops hourly buckets 30 days after they end', async () => {
    const tracker = new ProviderPerformanceTracker();
    await tracker.record(call({ startedAt: T0 }));
    vi.setSystemTime(T0 + HOUR_MS + THIRTY_DAYS_MS - 1);
    expect(tracker.bucketCount('p')).toBe(1);
    expect(tracker.getMetrics('p', '30d').calls).toBe(1);
    vi.setSystemTime(T0 + HOUR_MS + THIRTY_DAYS_MS);
    expect(tracker.bucketCount('p')).toBe(0);
    expect(tracker.getMetrics('p', '30d').calls).toBe(0);
    // A record older than the retention is not aggregated either.
    await tracker.record(call({ startedAt: T0 }));
    expect(tracker.bucketCount('p')).toBe(0);
  });

  it('stores raw records, and logs (never throws) a store failure', async () => {
    const store = new MemoryCallRecordStore();
    const tracker = new ProviderPerformanceTracker({ store });
    await tracker.record(call({ latencyMs: 5 }));
    expect((await store.since('p', T0)).map((r) => r.latencyMs)).toEqual([5]);
    expect(await store.since('p', T0 + 1)).toEqual([]);

    const logger = new MemoryLogger();
    const broken: CallRecordStore = {
      append: () => Promise.reject(new Error('disk full')),
      since: async () => [],
    };
    const t2 = new ProviderPerformanceTracker({ store: broken, logger });
    await expect(t2.record(call())).resolves.toBeUndefined();
    expect(t2.getMetrics('p', '1h').calls).toBe(1);
    expect(logger.records[0]).toMatchObject({ tag: 'CALL_RECORD_STORE_FAILED', error: 'disk full' });
  });

  it('rejects invalid records with REELAY_ERR_VALIDATION', () => {
    const tracker = new ProviderPerformanceTracker();
    expect(() => tracker.record(call({ latencyMs: -1 }))).toThrow(/latencyMs/);
    expect(() => tracker.record(call({ qualityScore: 11 }))).toThrow(/qualityScore/);
    expect(tracker.getMetrics('p', '1h').calls).toBe(0);
  });
});

describe('ProviderPerformanceTracker trends', () => {
  async function hourly(tracker: ProviderPerformanceTracker, values: Partial<CallRecord>[]): Promise<void> {
    for (const [i, v] of values.entries()) await tracker.record(call({ startedAt: T0 + i * HOUR_MS, ...v }));
    vi.setSystemTime(T0 + values.length * HOUR_MS - 1);
  }

  it('rising latency is degrading; falling latency is improving', async () => {
    const up = new ProviderPerformanceTracker();
    await hourly(up, [{ latencyMs: 1000 }, { latencyMs: 1500 }, { latencyMs: 2000 }]);
    expect(up.getTrend('p', 'latency', '24h')).toMatchObject({
      direction: 'degrading',
      changePct: 100,
      points: 3,
    });
    expect(up.getTrend('p', 'latency', '24h').confidence).toBeCloseTo(1, 10);
    vi.setSystemTime(T0);
    const down = new ProviderPerformanceTracker();
    await hourly(down, [{ latencyMs: 2000 }, { latencyMs: 1000 }]);
    expect(down.getTrend('p', 'latency', '24h')).toMatchObject({ direction: 'improving', changePct: -50 });
  });

  it('rising success rate is improving; falling quality is degrading; falling cost is improving', async () => {
    const t = new ProviderPerformanceTracker();
    await hourly(t, [
      { ok: false, qualityScore: 9, costUsd: 0.2 },
      { ok: true, qualityScore: 6, costUsd: 0.1 },
    ]);
    expect(t.getTrend('p', 'successRate', '24h')).toMatchObject({ direction: 'improving', changePct: 100 });
    expect(t.getTrend('p', 'quality', '24h').direction).toBe('degrading');
    expect(t.getTrend('p', 'cost', '24h')).toMatchObject({ direction: 'improving', changePct: -50 });
  });

  it('is stable under 5 % and moves at 5 %', async () => {
    const t = new ProviderPerformanceTracker();
    await hourly(t, [{ latencyMs: 1000 }, { latencyMs: 1049 }]);
    expect(t.getTrend('p', 'latency', '24h').direction).toBe('stable');
    vi.setSystemTime(T0);
    const t2 = new ProviderPerformanceTracker();
    await hourly(t2, [{ latencyMs: 1000 }, { latencyMs: 1050 }]);
    expect(t2.getTrend('p', 'latency', '24h').direction).toBe('degrading');
  });

  it('confidence is the R² of the hourly values; one bucket is stable with confidence 0', async () => {
    const t = new ProviderPerformanceTracker();
    await hourly(t, [{ latencyMs: 1000 }, { latencyMs: 3000 }, { latencyMs: 2000 }]);
    const trend = t.getTrend('p', 'latency', '24h');
    expect(trend.confidence).toBeCloseTo(0.25, 10);
    expect(trend.direction).toBe('degrading');
    vi.setSystemTime(T0);
    const one = new ProviderPerformanceTracker();
    await one.record(call());
    expect(one.getTrend('p', 'latency', '24h')).toMatchObject({
      direction: 'stable',
      confidence: 0,
      points: 1,
    });
  });
});

describe('ProviderPerformanceTracker predictions', () => {
  it('needs 10 samples: null at 9, a prediction at 10', async () => {
    const tracker = new ProviderPerformanceTracker({ clock: systemClock });
    for (let i = 1; i <= 9; i += 1) {
      await tracker.record(call({ latencyMs: i * 100, ok: i > 2, qualityScore: i <= 5 ? undefined : 8 }));
    }
    expect(tracker.predict('p')).toBeNull();
    await tracker.record(call({ latencyMs: 1000, qualityScore: 8 }));
    const p = tracker.predict('p');
    expect(p).not.toBeNull();
    expect(p?.samples).toBe(10);
    expect(p?.failureRate).toBeCloseTo(0.2, 10);
    // weights 1…10 on latencies 100…1000: 100·Σi² / Σi = 100·385/55
    expect(p?.responseTimeMs).toBeCloseTo(700, 10);
    expect(p?.quality).toBe(8);
    // 0.5 − 0.5·0.2 + 0.1 (fast) + 0.1·(8 − 5)/5
    expect(p?.optimalLoad).toBeCloseTo(0.56, 10);
    expect(p?.confidence).toBeCloseTo(0.1, 10);
  });

  it('failure rate reads only the last 24 calls; confidence caps at 1; the ring holds 100', async () => {
    const tracker = new ProviderPerformanceTracker();
    for (let i = 0; i < 6; i += 1) await tracker.record(call({ ok: false }));
    for (let i = 0; i < 24; i += 1) await tracker.record(call());
    expect(tracker.predict('p')?.failureRate).toBe(0);
    for (let i = 0; i < 100; i += 1) await tracker.record(call());
    expect(tracker.predict('p')?.confidence).toBe(1);
    expect(tracker.recent('p')).toHaveLength(100);
    expect(tracker.recentSuccessRate('p')).toBe(1);
  });

  it('optimal load follows failure rate, latency and quality', () => {
    expect(optimalLoad(0, 10_000, null)).toBe(0.5);
    expect(optimalLoad(1, 40_000, 0)).toBe(0);
    expect(optimalLoad(0, 1000, 10)).toBeCloseTo(0.7, 10);
  });
});
