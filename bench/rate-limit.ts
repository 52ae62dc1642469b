/**
 * Proactive rate limits across processes: 3 processes × 100 concurrent calls against a simulated
 * provider that allows 60 requests per window and answers 429 beyond it (counted on arrival, in a
 * strict sliding window). Every call goes through the RateLimitPolicy with the sliding window
 * shared in Redis (one Lua script per check-and-increment). Goal: 0 upstream 429s, and every
 * call's waiting time reported.
 *
 * The window is scaled: 60 requests per 3 s instead of per 60 s (`windowMs: 3000`), so 300 calls
 * take ~15 s instead of ~5 min. The arithmetic is the same (the limiter never looks at the unit),
 * and a 20× shorter window makes timing errors 20× more likely to show, not less.
 *
 * Run: `REDIS_URL=redis://127.0.0.1:6379 npx tsx bench/rate-limit.ts`. Writes bench/results/rate-limit.json.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_REDIS_URL, openRedis, waitForRedis } from '../src/state/redis/redis-connection.js';
import { startLimitedUpstream } from './lib/limited-upstream.js';

const here = dirname(fileURLToPath(import.meta.url));
const PROCESSES = Number(process.env.PROCESSES ?? 3);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 100);
const LIMIT = Number(process.env.LIMIT ?? 60);
const WINDOW_MS = Number(process.env.WINDOW_MS ?? 3000);
const MAX_WAIT_MS = 120_000;
const redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
const prefix = `reelay-bench-p17limits:${randomUUID().slice(0, 8)}:`;

interface ChildResult {
  pid: number;
  waits: number[];
  heartbeats: number;
  status429: number;
  refused: number;
  totalMs: number;
}

const pct = (sorted: number[], p: number): number =>
  sorted.length === 0 ? 0 : (sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] as number);
const round = (n: number): number => Math.round(n * 10) / 10;

const upstream = await startLimitedUpstream(LIMIT, WINDOW_MS);
const load = loadavg()[0] ?? 0;
const children = Array.from({ length: PROCESSES }, () => {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(here, 'lib', 'rate-limit-child.ts'),
      upstream.url,
      redisUrl,
      prefix,
      String(LIMIT),
      String(WINDOW_MS),
      String(CONCURRENCY),
      String(MAX_WAIT_MS),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (c: string) => {
    out += c;
  });
  const done = new Promise<ChildResult>((resolveDone, reject) =>
    child.once('exit', (code) =>
      code === 0
        ? resolveDone(JSON.parse(out.trim().split('\n').pop() ?? '{}') as ChildResult)
        : reject(new Error(`child exited ${code}`)),
    ),
  );
  return { child, done };
});
// Let every child load and connect, then start them together.
await new Promise((r) => setTimeout(r, 4000));
const started = performance.now();
for (const c of children) c.child.stdin.end('go\n');
const results = await Promise.all(children.map((c) => c.done));
const wallMs = performance.now() - started;
await upstream.close();
const redis = openRedis(redisUrl);
await waitForRedis(redis, 5000);
const keys = await redis.keys(`${prefix}*`);
if (keys.length > 0) await redis.del(...keys);
redis.disconnect();

const waits = results.flatMap((r) => r.waits).sort((a, b) => a - b);
const calls = PROCESSES * CONCURRENCY;
const ideal = (Math.ceil(calls / LIMIT) - 1) * WINDOW_MS;
const report = {
  date: new Date().toISOString(),
  node: process.version,
  loadAverage1m: round(load),
  setup: {
    processes: PROCESSES,
    concurrentCallsPerProcess: CONCURRENCY,
    upstreamLimit: `${LIMIT} requests per ${WINDOW_MS} ms sliding window, counted on arrival`,
    limiter: `requestsPerMinute ${LIMIT}, windowMs ${WINDOW_MS}, marginMs default (1 %), shared in Redis`,
    scaling: 'window 3 s instead of 60 s (20× shorter); same arithmetic, 20× less slack for timing errors',
  },
  upstream: upstream.counts,
  upstream429s: upstream.counts.tooMany,
  refusedByLimiter: results.reduce((n, r) => n + r.refused, 0),
  waitingHeartbeats: results.reduce((n, r) => n + r.heartbeats, 0),
  waitMs: {
    calls: waits.length,
    waited: waits.filter((w) => w >= 1).length,
    p50: round(pct(waits, 0.5)),
    p95: round(pct(waits, 0.95)),
    max: round(waits.at(-1) ?? 0),
    mean: round(waits.reduce((a, b) => a + b, 0) / Math.max(1, waits.length)),
  },
  wallMs: round(wallMs),
  idealWallMs: ideal,
  throughputVsIdeal: round((ideal / wallMs) * 100) / 100,
  goal: '0 upstream 429s, waiting time reported',
  goalMet: upstream.counts.tooMany === 0 && waits.length === calls,
};
console.log(JSON.stringify(report, null, 2));
const out = resolve(here, 'results', 'rate-limit.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
