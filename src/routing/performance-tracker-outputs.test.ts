/**
 * Pins what the performance tracker and the memory call-record store answer for a long,
 * deterministic history (seeded latencies and reservoir sampling, a hand-rolled clock): hours
 * that overflow the latency reservoir, failures by category, costs, qualities, first progress,
 * records out of order, a gap, records older than the retention. The snapshot was taken on the
 * code before the recording path was made cheaper (docs/router-overhead.md); any change to a
 * metric, trend, prediction or stored record fails here.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/support/seeded-random.js';
import type { Clock } from '../domain/clock.js';
import { ERROR_CATEGORIES } from '../domain/error-category.js';
import type { CallRecord } from './call-record.js';
import { HOUR_MS } from './hourly-bucket.js';
import { MemoryCallRecordStore } from './memory-call-record-store.js';
import { ProviderPerformanceTracker, THIRTY_DAYS_MS } from './performance-tracker.js';
import { PERFORMANCE_WINDOWS } from './performance-window.js';
import type { TrendMetric } from './trend.js';

const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);
const METRICS: TrendMetric[] = ['latency', 'successRate', 'cost', 'quality'];

/** A clock whose time the test sets. */
function manualClock(start: number): Clock & { t: number } {
  return {
    t: start,
    now() {
      return this.t;
    },
    setTimeout: () => {
      throw new Error('not used');
    },
    clearTimeout: () => undefined,
  };
}

/** Calls per hour: some hours overflow the 128-sample reservoir, one hour is empty. */
const PER_HOUR = [300, 5, 140, 0, 1, 129, 60, 400, 12, 128, 2, 250];

/** A deterministic history of two providers over PER_HOUR.length hours (and some strays). */
function history(): Array<{ at: number; record: CallRecord }> {
  const r = seededRandom(7);
  const out: Array<{ at: number; record: CallRecord }> = [];
  PER_HOUR.forEach((count, h) => {
    for (let i = 0; i < count; i++) {
      const provider = i % 3 === 0 ? 'q' : 'p';
      const at = T0 + h * HOUR_MS + Math.floor((i * HOUR_MS) / Math.max(count, 1));
      const ok = r() > 0.12 + h * 0.01;
      const latencyMs = Math.round(50 + r() * 2000 + (h % 4) * 100);
      const record: CallRecord = {
        provider,
        operation: 'chat',
        startedAt: at - latencyMs,
        latencyMs,
        ok,
        ...(r() < 0.6 ? { timeToFirstProgressMs: Math.round(latencyMs * r()) } : {}),
        ...(ok ? {} : { category: ERROR_CATEGORIES[Math.floor(r() * ERROR_CATEGORIES.length)] }),
        ...(r() < 0.5 ? { costUsd: Math.round(r() * 1e6) / 1e8, usage: { outputTokens: 10 + i } } : {}),
        ...(r() < 0.3 ? { qualityScore: Math.round(r() * 100) / 10 } : {}),
      };
      out.push({ at, record });
      // Now and then a record of an earlier hour arrives late, and one far older than the retention.
      if (i === 3) out.push({ at, record: { ...record, startedAt: at - 2 * HOUR_MS - 17 } });
      if (i === 4 && h === 2) out.push({ at, record: { ...record, startedAt: at - THIRTY_DAYS_MS - 9 } });
    }
  });
  return out;
}

/** Everything the tracker answers for one provider. */
function answers(tracker: ProviderPerformanceTracker, provider: string): unknown {
  return {
    metrics: PERFORMANCE_WINDOWS.map((w) => tracker.getMetrics(provider, w)),
    hourly: tracker.getHourlyMetrics(provider, '24h').map((m) => JSON.stringify(m)),
    trends: (['24h', '7d'] as const).flatMap((w) => METRICS.map((m) => tracker.getTrend(provider, m, w))),
    prediction: tracker.predict(provider),
    // One line per record keeps the snapshot readable.
    recent: tracker.recent(provider).map((c) => JSON.stringify(c)),
    recentSuccessRate: tracker.recentSuccessRate(provider),
    buckets: tracker.bucketCount(provider),
  };
}

describe('ProviderPerformanceTracker outputs (pinned)', () => {
  it('answers the same metrics, trends, predictions and recent calls for a long history', async () => {
    const clock = manualClock(T0);
    const store = new MemoryCallRecordStore({ maxPerProvider: 300 });
    const tracker = new ProviderPerformanceTracker({ clock, store, random: seededRandom(11) });
    const seen: unknown[] = [];
    for (const { at, record } of history()) {
      clock.t = at;
      await tracker.record(record);
    }
    seen.push({ providers: tracker.providers(), p: answers(tracker, 'p'), q: answers(tracker, 'q') });
    // Later: the 1 h and 24 h windows move on; buckets of the history are still within 30 days.
    clock.t += 20 * HOUR_MS;
    seen.push({ p: answers(tracker, 'p'), q: answers(tracker, 'q') });
    // Thirty days on, the history's first hours are dropped one by one, then a new call comes.
    for (const hours of [690, 2, 3, 5]) {
      clock.t += hours * HOUR_MS;
      seen.push({ p: answers(tracker, 'p'), buckets: tracker.bucketCount('q') });
    }
    await tracker.record({
      provider: 'q',
      operation: 'chat',
      startedAt: clock.t - 5,
      latencyMs: 5,
      ok: true,
    });
    seen.push({ q: answers(tracker, 'q') });
    expect(seen).toMatchSnapshot();
    expect((await store.since('p', T0 + 10 * HOUR_MS)).map((c) => JSON.stringify(c))).toMatchSnapshot();
    expect((await store.since('q', 0)).length).toBe(300);
  });

  it('keeps the defaults: 100 recent calls, 128 samples per hour', async () => {
    const clock = manualClock(T0);
    const tracker = new ProviderPerformanceTracker({ clock, random: seededRandom(3) });
    const r = seededRandom(5);
    for (let i = 0; i < 1000; i++) {
      clock.t = T0 + i * 1000;
      await tracker.record({
        provider: 'p',
        operation: 'chat',
        startedAt: clock.t,
        latencyMs: Math.round(r() * 5000),
        ok: r() > 0.1,
      });
    }
    expect(tracker.recent('p')).toHaveLength(100);
    expect(tracker.recent('p')[0]?.startedAt).toBe(T0 + 900_000);
    expect(answers(tracker, 'p')).toMatchSnapshot();
  });
});

describe('MemoryCallRecordStore outputs (pinned)', () => {
  it('keeps the newest records per provider and answers since() oldest first, ties in arrival order', async () => {
    const store = new MemoryCallRecordStore({ maxPerProvider: 50 });
    const r = seededRandom(9);
    for (let i = 0; i < 137; i++) {
      await store.append({
        provider: i % 5 === 0 ? 'b' : 'a',
        operation: String(i),
        startedAt: 1000 + Math.floor(r() * 40) * 10,
        latencyMs: i,
        ok: true,
      });
    }
    const ops = async (provider: string, from: number): Promise<string[]> =>
      (await store.since(provider, from)).map((c) => `${c.startedAt}:${c.operation}`);
    expect({
      a0: await ops('a', 0),
      a1200: await ops('a', 1200),
      b0: await ops('b', 0),
      none: await ops('a', 99_999),
      unknown: await ops('z', 0),
    }).toMatchSnapshot();
  });

  it('returns copies: changing a returned or appended record changes nothing stored', async () => {
    const store = new MemoryCallRecordStore({ maxPerProvider: 3 });
    const record: CallRecord = { provider: 'a', operation: 'x', startedAt: 1, latencyMs: 1, ok: true };
    await store.append(record);
    record.latencyMs = 99;
    const [first] = await store.since('a', 0);
    expect(first?.latencyMs).toBe(1);
    if (first) first.latencyMs = 42;
    expect((await store.since('a', 0))[0]?.latencyMs).toBe(1);
  });
});
