import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../src/domain/logger.js';
import { expectProblem, setup, VALID_REQUEST } from './helpers.js';

const ALICE = 'alice-key-0123456789abcdef';
const BOB = 'bob-key-0123456789abcdef';
const READER = 'reader-key-0123456789abcdef';
const OPS = 'ops-key-0123456789abcdef';
const LEGACY = 'legacy-plain-key-0123456789';
const KEYS = [
  `alice:${ALICE}:submit+read`,
  { name: 'bob', key: BOB, scopes: ['submit'] as const },
  `dash:${READER}:read`,
  `ops:${OPS}:admin`,
  LEGACY,
];

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function start(logger?: MemoryLogger) {
  const ctx = setup({ config: { apiKeys: KEYS }, ...(logger ? { logger } : {}) });
  app = ctx.app;
  return ctx;
}

const as = (key: string) => ({ authorization: `Bearer ${key}` });

async function submit(server: FastifyInstance, key: string): Promise<string> {
  const res = await server.inject({
    method: 'POST',
    url: '/api/video/generate',
    headers: as(key),
    payload: VALID_REQUEST,
  });
  expect(res.statusCode).toBe(202);
  return (res.json() as { jobId: string }).jobId;
}

describe('scoped API keys', () => {
  it('records the owner name (never the key) on submitted jobs', async () => {
    const logger = new MemoryLogger();
    const { app: server, service } = start(logger);
    const id = await submit(server, ALICE);
    const job = await service.getJob(id);
    expect(job?.submittedBy).toBe('alice');
    const status = await server.inject({ url: `/api/video/${id}/status`, headers: as(ALICE) });
    expect(status.json()).toMatchObject({ jobId: id, submittedBy: 'alice' });
    const stored = JSON.stringify(await service.listJobs({}));
    expect(stored).not.toContain(ALICE);
    expect(JSON.stringify(logger.records)).not.toContain(ALICE);
  });

  it("hides other owners' jobs from non-admin keys with a 404 and shows them to admins", async () => {
    const { app: server } = start();
    const aliceJob = await submit(server, ALICE);
    const bobJob = await submit(server, BOB);
    for (const url of [
      `/api/video/${aliceJob}/status`,
      `/api/video/${aliceJob}/stream`,
      `/api/video/${aliceJob}/download`,
      `/api/jobs/${aliceJob}/decisions`,
      `/api/jobs/${aliceJob}/decisions/pending`,
    ]) {
      const res = await server.inject({ url, headers: as(BOB) });
      const body = expectProblem(res, 404, 'REELAY_ERR_NOT_FOUND');
      // Same answer as for a job that never existed.
      const missing = await server.inject({ url: url.replace(aliceJob, 'job_nope'), headers: as(BOB) });
      expect(missing.statusCode).toBe(404);
      expect(body.detail.replace(aliceJob, 'X')).toBe(
        (missing.json() as { detail: string }).detail.replace('job_nope', 'X'),
      );
    }
    const cancel = await server.inject({
      method: 'POST',
      url: `/api/video/${aliceJob}/cancel`,
      headers: as(BOB),
      payload: {},
    });
    expectProblem(cancel, 404, 'REELAY_ERR_NOT_FOUND');
    const own = await server.inject({
      method: 'POST',
      url: `/api/video/${bobJob}/cancel`,
      headers: as(BOB),
      payload: {},
    });
    expect(own.json()).toMatchObject({ status: 'canceled' });

    const ids = async (key: string, url = '/api/jobs?limit=50') =>
      (
        (await server.inject({ url, headers: as(key) })).json() as { items: Array<{ jobId: string }> }
      ).items.map((j) => j.jobId);
    expect(await ids(ALICE)).toEqual([aliceJob]);
    expect(await ids(BOB)).toEqual([bobJob]);
    expect(await ids(READER)).toEqual([]);
    expect((await ids(OPS)).sort()).toEqual([aliceJob, bobJob].sort());
    expect(await ids(BOB, '/api/jobs/search?q=tides')).toEqual([bobJob]);
    const opsCancel = await server.inject({
      method: 'POST',
      url: `/api/video/${aliceJob}/cancel`,
      headers: as(OPS),
      payload: {},
    });
    expect(opsCancel.json()).toMatchObject({ status: 'canceled' });
  });

  it('pages owned jobs with exact cursors', async () => {
    const { app: server } = start();
    const mine: string[] = [];
    for (let i = 0; i < 5; i++) {
      mine.push(await submit(server, ALICE));
      await submit(server, BOB);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await server.inject({
        url: `/api/jobs?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        headers: as(ALICE),
      });
      const body = res.json() as { items: Array<{ jobId: string }>; nextCursor: string | null };
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((j) => j.jobId));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...mine].reverse());
  });

  it('403s a missing scope with problem details naming it', async () => {
    const { app: server } = start();
    const readerSubmit = await server.inject({
      method: 'POST',
      url: '/api/video/generate',
      headers: as(READER),
      payload: VALID_REQUEST,
    });
    const body = expectProblem(readerSubmit, 403, 'REELAY_ERR_FORBIDDEN');
    expect(body.detail).toContain('"submit"');
    expect(body.detail).toContain('"dash"');
    expect(body.detail).not.toContain(READER);

    const bobStats = await server.inject({ url: '/api/gateway/stats', headers: as(BOB) });
    expect(expectProblem(bobStats, 403, 'REELAY_ERR_FORBIDDEN').detail).toContain('"read"');
    expect((await server.inject({ url: '/api/gateway/stats', headers: as(READER) })).statusCode).toBe(200);
    // Submitters pick providers, so they may list them.
    expect((await server.inject({ url: '/api/providers', headers: as(BOB) })).statusCode).toBe(200);
    expect((await server.inject({ url: '/metrics', headers: as(READER) })).statusCode).toBe(200);
    expectProblem(await server.inject({ url: '/metrics', headers: as(BOB) }), 403, 'REELAY_ERR_FORBIDDEN');

    for (const key of [ALICE, BOB, READER]) {
      const circuit = await server.inject({
        method: 'POST',
        url: '/api/providers/espeak/circuit',
        headers: as(key),
        payload: { action: 'open' },
      });
      expect(expectProblem(circuit, 403, 'REELAY_ERR_FORBIDDEN').detail).toContain('"admin"');
    }
    const ops = await server.inject({
      method: 'POST',
      url: '/api/providers/espeak/circuit',
      headers: as(OPS),
      payload: { action: 'open' },
      remoteAddress: '203.0.113.9',
    });
    expect(ops.json()).toMatchObject({ state: 'open' });
  });

  it('keeps a plain key working with every scope', async () => {
    const { app: server, service } = start();
    const id = await submit(server, LEGACY);
    expect((await service.getJob(id))?.submittedBy).toMatch(/^key-[0-9a-f]{8}$/);
    const circuit = await server.inject({
      method: 'POST',
      url: '/api/providers/espeak/circuit',
      headers: as(LEGACY),
      payload: { action: 'close' },
    });
    expect(circuit.statusCode).toBe(200);
  });

  it('answers whoami with the owner name and effective scopes', async () => {
    const { app: server } = start();
    const who = async (key?: string) =>
      (await server.inject({ url: '/api/auth/whoami', ...(key ? { headers: as(key) } : {}) })).json();
    expect(await who(BOB)).toEqual({ name: 'bob', scopes: ['submit'], authRequired: true });
    expect(await who(READER)).toEqual({ name: 'dash', scopes: ['read'], authRequired: true });
    expect(await who(OPS)).toEqual({ name: 'ops', scopes: ['submit', 'read', 'admin'], authRequired: true });
    expectProblem(await server.inject({ url: '/api/auth/whoami' }), 401, 'REELAY_ERR_UNAUTHORIZED');
  });

  it('without keys: anonymous callers have submit and read, admin only on loopback', async () => {
    const ctx = setup();
    app = ctx.app;
    const remote = await ctx.app.inject({ url: '/api/auth/whoami', remoteAddress: '203.0.113.9' });
    expect(remote.json()).toEqual({ name: null, scopes: ['submit', 'read'], authRequired: false });
    const local = await ctx.app.inject({ url: '/api/auth/whoami', remoteAddress: '127.0.0.1' });
    expect(local.json()).toEqual({ name: null, scopes: ['submit', 'read', 'admin'], authRequired: false });
    const posted = await ctx.app.inject({
      method: 'POST',
      url: '/api/video/generate',
      payload: VALID_REQUEST,
      remoteAddress: '203.0.113.9',
    });
    expect(posted.statusCode).toBe(202);
    const id = (posted.json() as { jobId: string }).jobId;
    const status = await ctx.app.inject({ url: `/api/video/${id}/status`, remoteAddress: '203.0.113.9' });
    expect(status.json()).toMatchObject({ jobId: id, submittedBy: null });
  });
});
