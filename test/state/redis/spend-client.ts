/**
 * One "process" of the shared-spend test: fires `calls` concurrent priced calls against one budget
 * and prints how many were admitted. Run as `node --import tsx spend-client.ts <json options>`.
 */

import { openRedis, waitForRedis } from '../../../src/state/redis/redis-connection.js';
import { RedisKeys } from '../../../src/state/redis/redis-keys.js';
import { RedisSpendLedger } from '../../../src/state/redis/redis-spend-ledger.js';

const options = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  prefix: string;
  budget: string;
  calls: number;
  estimate: number;
  limit: number;
  startAt: number;
};
const redis = openRedis(options.url, { enableOfflineQueue: true });
await waitForRedis(redis, 5_000);
const ledger = new RedisSpendLedger(redis, new RedisKeys(options.prefix));
// Both processes start firing together, so that their calls really interleave on Redis.
await new Promise((resolve) => setTimeout(resolve, Math.max(0, options.startAt - Date.now())));
const results = await Promise.all(
  Array.from({ length: options.calls }, async () => {
    const reservation = await ledger.reserve(options.budget, options.estimate, options.limit);
    if (reservation.admitted) await ledger.settle(options.budget, options.estimate, options.estimate);
    return reservation.admitted;
  }),
);
process.stdout.write(`${JSON.stringify({ admitted: results.filter(Boolean).length })}\n`);
redis.disconnect();
