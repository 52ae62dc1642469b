/**
 * A worker that died is seen dead at once, so its job is taken over long before its lease lapses:
 * on SQLite (one host) through its pid, on PostgreSQL through its session's advisory lock. A
 * living worker's job is never taken before its lease lapses.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createJobRecord, type JobRecord, type LeaseHolder } from '../../src/jobs/job-record.js';
import { createPostgresStores } from '../../src/state/postgres/postgres-stores.js';
import { localHostIdentity, localLeaseHolder } from '../../src/state/process-liveness.js';
import { createSqliteStores } from '../../src/state/sqlite/sqlite-stores.js';
import { dropSchema, pgUnreachable, TEST_DATABASE_URL } from '../support/postgres-harness.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const LEASE = 30_000;

const newJob = (id: string): JobRecord =>
  createJobRecord(
    { id, request: { brief: 'b' }, fallbackPolicy: 'auto' },
    { clock: { now: () => T0, setTimeout: () => 0 as never, clearTimeout: () => {} } },
  );

/** Polls `check` until it answers true (at most about 5 s); returns its last answer. */
async function eventually(
  check: () => Promise<boolean | undefined> | undefined,
): Promise<boolean | undefined> {
  let answer = await check();
  for (let tries = 0; answer !== true && tries < 250; tries += 1) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    answer = await check();
  }
  return answer;
}

/** The pid of a process that has already exited. */
function deadPid(): number {
  const done = spawnSync('sh', ['-c', 'echo $$']);
  return Number(done.stdout.toString().trim());
}

describe('SQLite: a dead worker pid frees its job at once', () => {
  let dir: string;
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('takes over a job whose holder pid is dead, not one whose holder lives or runs elsewhere', async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelay-liveness-'));
    const stores = createSqliteStores(join(dir, 'reelay.db'));
    const stamp = async (id: string, holder: LeaseHolder): Promise<void> => {
      await stores.jobs.create(newJob(id));
      await stores.jobs.update(id, (r) => ({
        ...r,
        status: 'running',
        attempts: 1,
        lease: { owner: `w-${id}`, expiresAt: new Date(T0 + LEASE).toISOString(), holder },
      }));
    };
    await stamp('alive', localLeaseHolder());
    await stamp('elsewhere', { host: 'other|boot|ns', pid: deadPid() });
    await stamp('reused', { ...localLeaseHolder(), startTime: '1' });
    await stamp('dead', { host: localHostIdentity(), pid: deadPid(), startTime: '1' });
    const now = T0 + 1_000;
    // Oldest first: 'reused' (this pid, another start time: the recorded worker is gone), then 'dead'.
    const first = await stores.jobs.claim('w2', LEASE, now);
    const second = await stores.jobs.claim('w2', LEASE, now);
    expect([first?.id, second?.id]).toEqual(['reused', 'dead']);
    expect(second).toMatchObject({ status: 'running', attempts: 2, lease: { owner: 'w2' } });
    expect(second?.lease?.holder).toEqual(localLeaseHolder());
    expect(await stores.jobs.claim('w2', LEASE, now)).toBeNull();
    // The lease still decides for the living and the unknown.
    expect((await stores.jobs.claim('w2', LEASE, T0 + LEASE))?.id).toBe('alive');
    await stores.close();
  });
});

const pgSkip = await pgUnreachable('the PostgreSQL worker-liveness test');

describe.skipIf(pgSkip !== null)('PostgreSQL: a worker whose session ended frees its job at once', () => {
  const url = TEST_DATABASE_URL;
  const schema = `reelay_liveness_${process.pid}_${Date.now().toString(36)}`;
  afterAll(() => dropSchema(schema));

  it('keeps the job while the holder session lives, hands it over as soon as it ends', async () => {
    const a = await createPostgresStores(url, { schema, maxConnections: 3 });
    const b = await createPostgresStores(url, { schema, maxConnections: 3 });
    await a.jobs.create(newJob('pg-1'));
    const held = await a.jobs.claim('wa', LEASE, T0);
    expect(held?.lease?.holder?.session).toBeGreaterThan(0);
    expect(await b.jobs.claim('wb', LEASE, T0 + 1_000)).toBeNull();
    expect(await b.jobs.isHolderGone?.(held as JobRecord)).toBe(false);
    await a.close(); // the worker's session ends, as on kill -9
    // The client drops its socket at once; the server ends the backend (and frees its lock) when it
    // reads the disconnect, which on a loaded machine can take a moment after close() returns.
    expect(await eventually(() => b.jobs.isHolderGone?.(held as JobRecord))).toBe(true);
    const taken = await b.jobs.claim('wb', LEASE, T0 + 2_000);
    expect(taken).toMatchObject({ id: 'pg-1', attempts: 2, lease: { owner: 'wb' } });
    await b.close();
  });
});
