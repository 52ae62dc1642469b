/**
 * Over HTTP, with real containers: `GET /api/state/health` reports the tiers, readiness names the
 * state mode, and the `Idempotency-Key` header returns the same job on either API instance (Redis
 * deployment) and on a single instance without Redis (durable store only).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reelay } from '../../src/jobs/create-reelay.js';
import { createServer } from '../../src/server/create-server.js';
import { RedisKeys } from '../../src/state/redis/redis-keys.js';
import { removeDir, smallRequest, startReelay, tempDir } from '../support/pipeline-harness.js';
import { connectRedis, dropKeys, redisUnavailable } from '../support/redis-harness.js';
import { startInstance } from './scale-harness.js';

const skip = (await redisUnavailable('the state-health HTTP tests')) !== null;

describe('Idempotency-Key without Redis (durable store only)', () => {
  let dir: string;
  let reelay: Reelay;
  let app: FastifyInstance;
  beforeAll(async () => {
    dir = await tempDir('reelay-idem-');
    reelay = await startReelay(dir, { worker: false });
    app = createServer({ service: reelay.service });
  });
  afterAll(async () => {
    await app?.close();
    await reelay?.close();
    await removeDir(dir);
  });

  it('the same key returns the same job; a different body with the key is a conflict', async () => {
    const headers = { 'idempotency-key': randomUUID() };
    const first = await app.inject({
      method: 'POST',
      url: '/api/video/generate',
      payload: smallRequest(),
      headers,
    });
    const second = await app.inject({
      method: 'POST',
      url: '/api/video/generate',
      payload: smallRequest(),
      headers,
    });
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(202);
    expect(second.json().jobId).toBe(first.json().jobId);
    const other = await app.inject({
      method: 'POST',
      url: '/api/video/generate',
      payload: { ...smallRequest(), brief: 'Another brief entirely, about volcanoes and how they erupt.' },
      headers,
    });
    expect(other.statusCode).toBe(409);
    const plain = await app.inject({ method: 'POST', url: '/api/video/generate', payload: smallRequest() });
    expect(plain.json().jobId).not.toBe(first.json().jobId);
  });

  it('reports the state tiers without Redis', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/state/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ verdict: 'healthy', mode: 'local' });
    const durable = (res.json().tiers as { tier: string; up: boolean }[]).find((t) => t.tier === 'durable');
    expect(durable?.up).toBe(true);
  });
});

describe.skipIf(skip)('state health and Idempotency-Key on a Redis deployment', () => {
  let dir: string;
  const prefix = `reelay-test:${process.pid}:${randomUUID().slice(0, 8)}:`;
  let a: Reelay;
  let b: Reelay;
  let appA: FastifyInstance;
  let appB: FastifyInstance;
  beforeAll(async () => {
    dir = await tempDir('reelay-state-http-');
    a = await startInstance(dir, prefix, false);
    b = await startInstance(dir, prefix, false);
    appA = createServer({ service: a.service });
    appB = createServer({ service: b.service });
  });
  afterAll(async () => {
    await appA?.close();
    await appB?.close();
    await a?.close();
    await b?.close();
    const redis = await connectRedis();
    await dropKeys(redis, new RedisKeys(prefix));
    await dropKeys(redis, new RedisKeys(`bull:${new RedisKeys(prefix).jobQueue()}:`));
    redis.disconnect();
    await removeDir(dir);
  });

  it('GET /api/state/health reports L1, Redis and the durable tier with latencies, healthy', async () => {
    const res = await appA.inject({ method: 'GET', url: '/api/state/health' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      verdict: string;
      mode: string;
      tiers: { tier: string; up: boolean; latencyMs?: number }[];
    };
    expect(body.verdict).toBe('healthy');
    expect(body.mode).toBe('shared');
    expect(body.tiers.map((t) => t.tier)).toEqual(['l1', 'l2', 'durable']);
    for (const tier of body.tiers) expect(tier.latencyMs).toBeGreaterThanOrEqual(0);
    const ready = await appA.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.json().checks.state).toEqual({ ok: true, message: 'shared through Redis' });
    const metrics = await appA.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/reelay_state_degraded 0/);
  });

  it('the same Idempotency-Key on the other API instance returns the same job', async () => {
    const headers = { 'idempotency-key': randomUUID() };
    const first = await appA.inject({
      method: 'POST',
      url: '/api/video/generate',
      payload: smallRequest(),
      headers,
    });
    const second = await appB.inject({
      method: 'POST',
      url: '/api/video/generate',
      payload: smallRequest(),
      headers,
    });
    expect(second.json().jobId).toBe(first.json().jobId);
  });
});
