/**
 * PostgreSQL without Redis: events and new jobs reach other processes by LISTEN/NOTIFY, not by the
 * poll (which is set to a minute here, so only a notification can deliver within the wait).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/domain/clock.js';
import type { StoredEvent } from '../../src/domain/events.js';
import { followJobEvents } from '../../src/jobs/follow-job-events.js';
import { createJobRecord } from '../../src/jobs/job-record.js';
import { createPostgresStores, type PostgresStores } from '../../src/state/postgres/postgres-stores.js';
import { dropSchema, pgUnreachable, TEST_DATABASE_URL } from '../support/postgres-harness.js';

const url = TEST_DATABASE_URL;
const schema = `reelay_p9stores_${process.pid}_${Date.now().toString(36)}`;
const reachable = (await pgUnreachable('the LISTEN/NOTIFY tests')) === null;

describe.skipIf(!reachable)('PostgreSQL LISTEN/NOTIFY between two processes', () => {
  let a: PostgresStores;
  let b: PostgresStores;
  beforeAll(async () => {
    a = await createPostgresStores(url, { schema });
    b = await createPostgresStores(url, { schema, listen: true });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await dropSchema(schema);
  });

  it('an event appended on connection A is delivered live on B without waiting for the poll', async () => {
    const got: StoredEvent[] = [];
    const wake = b.wake;
    expect(wake).toBeDefined();
    const sub = followJobEvents('job_notify', (e) => got.push(e), {
      events: b.events,
      clock: systemClock,
      sharedStore: true,
      afterId: 0,
      pollMs: 60_000,
      wake: (id, listener) => wake!.onEvents(id, listener),
    });
    try {
      for (let i = 1; i <= 3; i += 1) {
        const started = performance.now();
        await a.events.append({
          type: 'log',
          jobId: 'job_notify',
          timestamp: new Date().toISOString(),
          level: 'info',
          message: `step ${i}`,
        } as never);
        await expect.poll(() => got.length, { timeout: 2_000, interval: 2 }).toBe(i);
        expect(performance.now() - started).toBeLessThan(2_000);
      }
      expect(got.map((e) => e.id)).toEqual([1, 2, 3]);
    } finally {
      sub.dispose();
    }
  });

  it('a job created on A wakes the workers listening on B; other schemas do not', async () => {
    let woken = 0;
    const sub = b.wake!.onJobs(() => {
      woken += 1;
    });
    const clock = { now: () => Date.now(), setTimeout: () => 0 as never, clearTimeout: () => {} };
    await a.jobs.create(
      createJobRecord(
        { id: 'job_wake', correlationId: 'corr', request: { brief: 'brief' }, fallbackPolicy: 'auto' },
        { clock },
      ),
    );
    await expect.poll(() => woken, { timeout: 2_000, interval: 2 }).toBe(1);
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    await other.query(`SELECT pg_notify('reelay_wake', $1)`, [
      JSON.stringify({ s: 'elsewhere', k: 'jobs', id: '' }),
    ]);
    await other.end();
    await a.jobs.create(
      createJobRecord(
        { id: 'job_wake_2', correlationId: 'corr', request: { brief: 'brief' }, fallbackPolicy: 'auto' },
        { clock },
      ),
    );
    await expect.poll(() => woken, { timeout: 2_000, interval: 2 }).toBe(2);
    sub.dispose();
  });
});
