import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/domain/clock.js';
import { CircuitBreakerRegistry } from '../../src/resilience/circuit-breaker-registry.js';
import { MemoryBreakerStateStore } from '../../src/state/memory/memory-router-state.js';
import { RedisBreakerStateStore } from '../../src/state/redis/redis-breaker-state-store.js';
import { openRedis, waitForRedis } from '../../src/state/redis/redis-connection.js';
import { RedisKeys } from '../../src/state/redis/redis-keys.js';
import { hasRedisServer, type PrivateRedis, startPrivateRedis } from './private-redis.js';

const available = hasRedisServer();
if (!available) {
  if (process.env.CI === 'true') throw new Error('redis-server is not installed; CI=true requires it.');
  console.warn('\n!!! SKIPPING the breaker outage test: no redis-server binary on the PATH.\n');
}

async function until(done: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await Promise.resolve(done()).catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(!available)('breaker steps taken while Redis is down', () => {
  let server: PrivateRedis;
  let dir: string;
  const connections: Redis[] = [];
  const keys = new RedisKeys('reelay-outage:');
  const instance = async (id: string) => {
    const redis = openRedis(server.url);
    redis.on('error', () => {});
    await waitForRedis(redis, 5_000);
    connections.push(redis);
    const shared = new RedisBreakerStateStore({ redis, keys, clock: systemClock, instanceId: id });
    const registry = new CircuitBreakerRegistry({
      clock: systemClock,
      shared,
      store: new MemoryBreakerStateStore(),
      defaults: { failureThreshold: 3, recoveryTimeoutMs: 600_000 },
    });
    await registry.ready();
    return { registry, shared };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reelay-outage-'));
    server = await startPrivateRedis(dir);
  });
  afterAll(async () => {
    for (const c of connections) c.disconnect();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are queued and re-applied on Redis when it returns: the breaker opened in the outage is open everywhere', async () => {
    const a = await instance('A');
    const b = await instance('B');
    const breakerA = a.registry.get('flaky');
    b.registry.get('flaky');
    await a.registry.flush();
    await server.crash();
    for (let i = 0; i < 3; i++) breakerA.recordOutcome({ ok: false, durationMs: 5, category: 'api_failure' });
    expect(breakerA.toJSON().state).toBe('open');
    await a.registry.flush();
    expect(a.registry.degraded).toBe(true);
    await server.start();
    // No further step on A: the queued steps alone must reach Redis and instance B.
    await until(async () => (await b.shared.get('flaky')).state.state === 'open', 10_000, 'shared open');
    await until(() => b.registry.get('flaky').isOpen(), 5_000, 'B to see open');
    const shared = await b.shared.get('flaky');
    expect(shared.state).toMatchObject({ state: 'open', manual: false });
    // The open is dated from the failure that crossed the threshold, not from the recovery.
    expect((shared.state as { openedAt: number }).openedAt).toBe(
      (breakerA.toJSON() as { openedAt: number }).openedAt,
    );
    expect(a.registry.degraded).toBe(false);
    await a.registry.close();
    await b.registry.close();
  }, 60_000);
});
