/**
 * Bulkheads shared across processes through Redis (docs/rate-limits-and-bulkheads.md#shared):
 * three processes with a bulkhead of 5 on one upstream never have more than 5 requests in
 * flight there together, and a killed process's leases lapse within the lease TTL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../src/state/redis/redis-keys.js';
import { RedisSemaphoreStore } from '../../src/state/redis/redis-semaphore-store.js';
import { waitFor } from '../fixtures/image-video/manual-clock.js';
import {
  connectRedis,
  dropKeys,
  redisUnavailable,
  TEST_REDIS_URL,
  testKeys,
} from '../support/redis-harness.js';

const skip = await redisUnavailable('the shared bulkhead tests');
const HERE = dirname(fileURLToPath(import.meta.url));
const CHILD = join(HERE, 'bulkhead-child.ts');
const ROOT = join(HERE, '..', '..');
const keys = testKeys();
let redis: Redis;
let upstream: Server;
let upstreamUrl = '';
const seen = { active: 0, max: 0, total: 0 };

/** Starts one child; resolves with it once it printed `line`. */
function child(args: string[], line: 'done' | 'held'): { proc: ChildProcess; reached: Promise<void> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  const reached = new Promise<void>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on('line', (text) => {
      if (text.trim() === line) resolve();
    });
    proc.on('exit', (code) => reject(new Error(`child exited (${code}) before "${line}": ${stderr}`)));
  });
  return { proc, reached };
}

describe.skipIf(skip !== null)('bulkheads shared through Redis', () => {
  beforeAll(async () => {
    redis = await connectRedis();
    upstream = createServer((_req, res) => {
      seen.active += 1;
      seen.total += 1;
      seen.max = Math.max(seen.max, seen.active);
      // The upstream takes a while to answer, so that calls overlap.
      setTimeout(() => {
        seen.active -= 1;
        res.end('ok');
      }, 40);
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await dropKeys(redis, keys);
    redis.disconnect();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  it('3 processes × 20 concurrent calls with a bulkhead of 5: never more than 5 at the upstream', async () => {
    const prefix = `${keys.prefix}run:`;
    const children = [0, 1, 2].map(() =>
      child([TEST_REDIS_URL, prefix, upstreamUrl, 'run', '20', '5', '5000'], 'done'),
    );
    await Promise.all(children.map((c) => c.reached));
    expect(seen.total).toBe(60);
    expect(seen.max).toBeLessThanOrEqual(5);
    // Each process alone would allow 5: the test is only meaningful if calls really overlapped.
    expect(seen.max).toBeGreaterThanOrEqual(2);
    // Every lease was released (none left to lapse).
    expect(await new RedisSemaphoreStore(redis, new RedisKeys(prefix)).inUse('upstream', Date.now())).toBe(0);
  }, 60_000);

  it('a killed process’s leases lapse within the lease TTL, and the slots serve others', async () => {
    const prefix = `${keys.prefix}kill:`;
    const ttlMs = 1500;
    const store = new RedisSemaphoreStore(redis, new RedisKeys(prefix));
    const holder = child([TEST_REDIS_URL, prefix, upstreamUrl, 'hold', '5', '5', String(ttlMs)], 'held');
    await holder.reached;
    expect(await store.inUse('upstream', Date.now())).toBe(5);
    expect((await store.acquire('upstream', 'test', 5, Date.now(), ttlMs)).ok).toBe(false);
    const killedAt = Date.now();
    holder.proc.kill('SIGKILL');
    await waitFor(() => holder.proc.exitCode !== null || holder.proc.signalCode !== null, 5000, 'the kill');
    let freedAt = 0;
    await (async () => {
      const deadline = killedAt + ttlMs + 1000;
      while (Date.now() < deadline) {
        if ((await store.inUse('upstream', Date.now())) === 0) {
          freedAt = Date.now();
          return;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    expect(freedAt).toBeGreaterThan(0);
    // Renewed every TTL/3 until the kill: the last lease lapses at most one TTL after it.
    expect(freedAt - killedAt).toBeLessThanOrEqual(ttlMs + 100);
    // Not released by the dead process: they lapsed (the last renewal was at most TTL/3 earlier).
    expect(freedAt - killedAt).toBeGreaterThanOrEqual((ttlMs * 2) / 3 - 100);
    for (let i = 0; i < 5; i++)
      expect((await store.acquire('upstream', 'test', 5, Date.now(), ttlMs)).ok).toBe(true);
  }, 30_000);
});
