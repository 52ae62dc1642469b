/**
 * One "process" of the router spend test: a whole routing kit over Redis (shared spend counters
 * and holds), one provider priced per request, `calls` concurrent router calls at once. Prints
 * how many ran and how many the budget refused. Run as `node --import tsx router-spend-client.ts <json>`.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { openRedis, waitForRedis } from '../../src/state/redis/redis-connection.js';
import { RedisKeys } from '../../src/state/redis/redis-keys.js';
import { RedisSpendLedger } from '../../src/state/redis/redis-spend-ledger.js';
import { RedisSpendStore } from '../../src/state/redis/redis-spend-store.js';
import { chatCall, routerHarness, ScriptedLlm } from './router-harness.js';

const options = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  prefix: string;
  calls: number;
  price: number;
  limit: number;
  /** Processes that must be ready before any fires (a barrier on Redis). */
  processes: number;
};
const redis = openRedis(options.url, { enableOfflineQueue: true });
await waitForRedis(redis, 5_000);
const keys = new RedisKeys(options.prefix);
// Each call holds its provider slot a little, so that the calls of both processes overlap.
const paid = new ScriptedLlm('paid', {
  costModel: { unit: 'request', usdPerUnit: options.price },
  script: [() => sleep(20).then(() => 'ok')],
});
const { kit } = routerHarness([paid], {
  budgets: { perProvider: { paid: { dailyUsd: options.limit } } },
  spend: new RedisSpendStore({ redis, keys }),
  spendLedger: new RedisSpendLedger(redis, keys),
});
// Barrier: every process fires only once all are ready, so that their calls really interleave.
await redis.incr(`${options.prefix}ready`);
while (Number(await redis.get(`${options.prefix}ready`)) < options.processes) await sleep(2);
const outcomes = await Promise.all(
  Array.from({ length: options.calls }, (_, i) =>
    kit.router.run(chatCall({ jobId: `job_${process.pid}_${i}`, policy: 'off' })).then(
      () => 'ran',
      (error: { category?: string }) => (error.category === 'quota_exceeded' ? 'refused' : 'failed'),
    ),
  ),
);
const count = (what: string) => outcomes.filter((o) => o === what).length;
process.stdout.write(
  `${JSON.stringify({ ran: count('ran'), refused: count('refused'), failed: count('failed'), calls: paid.calls.length })}\n`,
);
await kit.close();
redis.disconnect();
