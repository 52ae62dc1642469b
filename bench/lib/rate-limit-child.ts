/**
 * One process of the rate-limit benchmark: `concurrency` calls at once to the limited upstream,
 * each through the RateLimitPolicy with the Redis-shared window. Prints one JSON line of results.
 * argv: <upstream url> <redis url> <redis prefix> <limit> <windowMs> <concurrency> <maxWaitMs>
 */
import { createCallContext } from '../../src/domain/call-context.js';
import { systemClock } from '../../src/domain/clock.js';
import { RateLimitPolicy } from '../../src/resilience/rate-limit-policy.js';
import { RateLimiter } from '../../src/resilience/rate-limiter.js';
import { openRedis, waitForRedis } from '../../src/state/redis/redis-connection.js';
import { RedisKeys } from '../../src/state/redis/redis-keys.js';
import { RedisRateWindowStore } from '../../src/state/redis/redis-rate-window-store.js';

const [url, redisUrl, prefix, limitArg, windowArg, concurrencyArg, maxWaitArg] = process.argv.slice(2);
const limit = Number(limitArg);
const windowMs = Number(windowArg);
const concurrency = Number(concurrencyArg);
const redis = openRedis(redisUrl ?? '');
await waitForRedis(redis, 5000);
const limiter = new RateLimiter({
  store: new RedisRateWindowStore(redis, new RedisKeys(prefix)),
  limits: { sim: { requestsPerMinute: limit, windowMs, maxWaitMs: Number(maxWaitArg) } },
});
const policy = new RateLimitPolicy(limiter);
// Wait for the parent's "go" so that all processes start together.
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
let heartbeats = 0;
let status429 = 0;
let refused = 0;
const waits: number[] = [];
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async (_, i) => {
    const ctx = createCallContext(
      { jobId: `p${process.pid}-${i}`, stage: 'script', provider: 'sim', correlationId: `c${i}` },
      { signal: new AbortController().signal, clock: systemClock, heartbeat: () => heartbeats++ },
    );
    const t0 = performance.now();
    try {
      await policy.execute(async () => {
        waits.push(performance.now() - t0);
        const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', body: '{}' });
        limiter.learn('sim', res.headers, res.status);
        await res.text();
        if (res.status === 429) status429++;
      }, ctx);
    } catch {
      refused++;
    }
  }),
);
const totalMs = performance.now() - started;
console.log(JSON.stringify({ pid: process.pid, waits, heartbeats, status429, refused, totalMs }));
redis.disconnect();
