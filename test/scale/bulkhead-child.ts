/**
 * One "instance" for the shared-bulkhead test: the provider limits built as `createReelay` builds
 * them with Redis, a bulkhead of `maxConcurrent` on provider `upstream`.
 * argv: <redisUrl> <keyPrefix> <upstreamUrl> <mode: run | hold> <calls> <maxConcurrent> <leaseTtlMs>
 * `run`: makes `calls` concurrent upstream requests, each inside a bulkhead slot, prints `done`.
 * `hold`: takes `calls` slots, prints `held`, and waits to be killed (never releases).
 */
import { systemClock } from '../../src/domain/clock.js';
import { silentLogger } from '../../src/domain/logger.js';
import { createProviderLimits } from '../../src/jobs/provider-limits.js';
import { openRedis, waitForRedis } from '../../src/state/redis/redis-connection.js';
import { RedisKeys } from '../../src/state/redis/redis-keys.js';

const [redisUrl, prefix, upstream, mode, calls, maxConcurrent, leaseTtlMs] = process.argv.slice(2) as [
  string,
  string,
  string,
  'run' | 'hold',
  string,
  string,
  string,
];
const redis = openRedis(redisUrl);
redis.on('error', () => {});
await waitForRedis(redis, 5000);
const limits = createProviderLimits(
  {
    providers: {
      upstream: {
        bulkhead: { maxConcurrent: Number(maxConcurrent), maxQueue: 1000, queueTimeoutMs: 60_000 },
      },
    },
  } as never,
  {
    clock: systemClock,
    logger: silentLogger,
    keyIds: {},
    redis: { connection: redis, keys: new RedisKeys(prefix) },
    bulkheadLeaseTtlMs: Number(leaseTtlMs),
  },
);
const bulkhead = limits.bulkheads.get('upstream');
if (!bulkhead) throw new Error('no bulkhead built for upstream');
if (mode === 'hold') {
  for (let i = 0; i < Number(calls); i++) await bulkhead.acquire();
  process.stdout.write('held\n');
  setInterval(() => {}, 1000);
} else {
  await Promise.all(
    Array.from({ length: Number(calls) }, async () => {
      const release = await bulkhead.acquire();
      try {
        const res = await fetch(upstream);
        await res.text();
      } finally {
        release();
      }
    }),
  );
  process.stdout.write('done\n');
  redis.disconnect();
}
