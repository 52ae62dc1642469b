/**
 * The state tiers: L1 get latency, L2 (Redis) get/set latency, the L1 hit rate on a Zipf mix of
 * keys with writes from another instance, and the time a breaker opened on instance A takes to be
 * seen on instance B. Writes bench/results/state.json.
 * Usage: npx tsx bench/state.ts   (REDIS_URL, default redis://127.0.0.1:6379)
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../src/domain/clock.js';
import { DEFAULT_BREAKER_THRESHOLDS } from '../src/resilience/circuit-breaker-state.js';
import { type BreakerChange, RedisBreakerStateStore } from '../src/state/redis/redis-breaker-state-store.js';
import { RedisKeys } from '../src/state/redis/redis-keys.js';
import { RedisVersionedStore } from '../src/state/redis/redis-versioned-store.js';
import { L1Cache } from '../src/state/tiers/l1-cache.js';
import { TieredStateStore } from '../src/state/tiers/tiered-state-store.js';
import { connectRedis, dropKeys } from '../test/support/redis-harness.js';

const OUT = fileURLToPath(new URL('./results/state.json', import.meta.url));
const pct = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const r3 = (x: number): number => Math.round(x * 1000) / 1000;
const summary = (us: number[]) => ({ p50: r3(pct(us, 50)), p95: r3(pct(us, 95)), p99: r3(pct(us, 99)) });
const timeUs = (fn: () => unknown): number => {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1000;
};
const timeUsAsync = async (fn: () => Promise<unknown>): Promise<number> => {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1000;
};

/** A Zipf(s) sampler over ranks 0..n-1 (inverse CDF on a precomputed table). */
function zipf(n: number, s: number): () => number {
  const cdf: number[] = [];
  let total = 0;
  for (let k = 1; k <= n; k += 1) {
    total += 1 / k ** s;
    cdf.push(total);
  }
  return () => {
    const u = Math.random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] ?? 0) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const keys = new RedisKeys(`reelay-bench:${process.pid}:${randomUUID().slice(0, 8)}:`);
const [a, b] = await Promise.all([connectRedis(), connectRedis()]);
const result: Record<string, unknown> = { measuredAt: new Date().toISOString(), loadAverage1m: loadavg()[0] };
try {
  // L1 get
  const l1 = new L1Cache({ clock: systemClock, maxEntries: 10_000 });
  for (let i = 0; i < 1_000; i += 1)
    l1.set('health', `p${i}`, { value: '{"up":true}', version: 1, updatedAt: 0 });
  for (let i = 0; i < 20_000; i += 1) l1.get('health', `p${i % 1_000}`);
  const l1Us = Array.from({ length: 100_000 }, (_, i) => timeUs(() => l1.get('health', `p${i % 1_000}`)));
  result.l1GetUs = summary(l1Us);

  // L2 get / set
  const l2 = new RedisVersionedStore({ redis: a, keys });
  for (let i = 0; i < 200; i += 1) await l2.set('health', `p${i}`, '{"up":true}');
  const setUs: number[] = [];
  const getUs: number[] = [];
  const pingUs: number[] = [];
  for (let i = 0; i < 3_000; i += 1) {
    setUs.push(await timeUsAsync(() => l2.set('health', `p${i % 200}`, `{"up":${i % 2 === 0}}`)));
    getUs.push(await timeUsAsync(() => l2.get('health', `p${i % 200}`)));
    // Baseline of the same run: a bare PING on the same connection, interleaved.
    pingUs.push(await timeUsAsync(() => a.ping()));
  }
  result.l2SetMs = summary(setUs.map((x) => x / 1000));
  result.l2GetMs = summary(getUs.map((x) => x / 1000));
  const ping = summary(pingUs.map((x) => x / 1000));
  result.baselinePingMs = ping;
  result.l2OverPingP95 = {
    set: Math.round(((result.l2SetMs as typeof ping).p95 / ping.p95) * 100) / 100,
    get: Math.round(((result.l2GetMs as typeof ping).p95 / ping.p95) * 100) / 100,
  };

  // Hit rate on a Zipf mix: instance A reads, instance B writes 1 % of the operations (each write
  // invalidates A's copy); once with an L1 smaller than the keyspace, once with the default size.
  const keyspace = 10_000;
  const pick = zipf(keyspace, 1.2);
  const seed = a.pipeline();
  for (let i = 0; i < keyspace; i += 1)
    seed.hset(keys.state('routing', `k${i}`), 'v', '"x"', 'ver', 1, 'at', 0);
  await seed.exec();
  const hitRates: unknown[] = [];
  for (const l1MaxEntries of [2_000, 10_000]) {
    const l1A = new L1Cache({ clock: systemClock, maxEntries: l1MaxEntries });
    const storeA = new TieredStateStore({
      l1: l1A,
      shared: new RedisVersionedStore({ redis: a, keys }),
      clock: systemClock,
    });
    const storeB = new TieredStateStore({
      l1: new L1Cache({ clock: systemClock }),
      shared: new RedisVersionedStore({ redis: b, keys }),
      clock: systemClock,
    });
    await Promise.all([storeA.start(), storeB.start()]);
    const operations = 200_000;
    for (let i = 0; i < operations; i += 1) {
      const key = `k${pick()}`;
      if (i % 100 === 99) await storeB.set('routing', key, `"w${i}"`);
      else await storeA.get('routing', key);
    }
    const stats = l1A.stats();
    hitRates.push({
      zipfS: 1.2,
      keyspace,
      l1MaxEntries,
      reads: stats.hits + stats.misses,
      writesFromOtherInstance: operations / 100,
      hitRate: r3(stats.hitRate),
    });
    await Promise.all([storeA.stop(), storeB.stop()]);
  }
  result.zipfHitRate = hitRates;

  // Breaker propagation A → B
  const breakerA = new RedisBreakerStateStore({ redis: a, keys, clock: systemClock, instanceId: 'A' });
  const breakerB = new RedisBreakerStateStore({ redis: b, keys, clock: systemClock, instanceId: 'B' });
  let waiting: ((change: BreakerChange) => void) | undefined;
  const unsubscribe = await breakerB.subscribe((change) => waiting?.(change));
  const propagation: number[] = [];
  for (let i = 0; i < 300; i += 1) {
    const provider = `p${i}`;
    const seen = new Promise<void>((resolve) => {
      waiting = (change) => {
        if (change.provider === provider) resolve();
      };
    });
    const start = process.hrtime.bigint();
    await breakerA.transition(provider, { type: 'open', reason: 'bench' }, DEFAULT_BREAKER_THRESHOLDS);
    await seen;
    propagation.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  await unsubscribe();
  result.breakerPropagationMs = summary(propagation);
} finally {
  await dropKeys(a, keys);
  a.disconnect();
  b.disconnect();
}
writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
process.exit(0);
