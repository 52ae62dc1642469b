/**
 * PostgreSQL event ids from the per-job counter row (`event_seq`, migration 5): ids continue a
 * job's existing events after the migration, two pools appending to one job concurrently get
 * contiguous ids, `notifyEvents: false` appends without notifying, and `asyncEventCommit` keeps its
 * setting to the append's own transaction.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReelayEvent } from '../../src/domain/events.js';
import { openPostgres } from '../../src/state/postgres/open-postgres.js';
import { POSTGRES_MIGRATIONS } from '../../src/state/postgres/postgres-migrations.js';
import { WAKE_CHANNEL } from '../../src/state/postgres/postgres-notifier.js';
import { createPostgresStores } from '../../src/state/postgres/postgres-stores.js';
import { dropSchema, pgUnreachable, TEST_DATABASE_URL } from '../support/postgres-harness.js';

const url = TEST_DATABASE_URL;
const schema = `reelay_evseq_${process.pid}_${Date.now().toString(36)}`;
const reachable = (await pgUnreachable('the event counter tests')) === null;

const log = (jobId: string, message: string): ReelayEvent =>
  ({ type: 'log', jobId, timestamp: new Date().toISOString(), level: 'info', message }) as never;

describe.skipIf(!reachable)('PostgreSQL event ids from the per-job counter', () => {
  afterAll(() => dropSchema(schema));

  it('continues the ids of events stored before migration 5', async () => {
    const old = await openPostgres(url, {
      schema,
      migrations: POSTGRES_MIGRATIONS.filter((m) => m.version < 5),
    });
    for (let id = 1; id <= 3; id += 1)
      await old.pool.query(
        'INSERT INTO events (job_id, id, type, timestamp, data) VALUES ($1, $2, $3, $4, $5)',
        ['job_old', id, 'log', new Date().toISOString(), JSON.stringify({ ...log('job_old', `m${id}`), id })],
      );
    await old.close();
    const stores = await createPostgresStores(url, { schema });
    try {
      const stored = await stores.events.appendMany?.([log('job_old', 'a'), log('job_old', 'b')]);
      expect(stored?.map((e) => e.id)).toEqual([4, 5]);
      expect(
        (await stores.events.read('job_old', 3)).map((e) => [e.id, (e as { message?: string }).message]),
      ).toEqual([
        [4, 'a'],
        [5, 'b'],
      ]);
      expect(await stores.events.lastId('job_old')).toBe(5);
    } finally {
      await stores.close();
    }
  });

  it('gives two pools appending to one job at once contiguous ids, each batch in order', async () => {
    const a = await createPostgresStores(url, { schema, maxConnections: 4 });
    const b = await createPostgresStores(url, { schema, maxConnections: 4 });
    try {
      const batches = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? a : b).events.appendMany?.([log('job_race', `${i}.1`), log('job_race', `${i}.2`)]),
        ),
      );
      const ids = batches.flatMap((batch) => batch?.map((e) => e.id) ?? []);
      expect([...ids].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      for (const batch of batches) expect(batch?.[1]?.id).toBe((batch?.[0]?.id ?? 0) + 1);
      const read = await a.events.read('job_race', 0);
      expect(read.map((e) => e.id)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('notifies at commit by default and not with notifyEvents: false', async () => {
    const listener = new pg.Client({ connectionString: url });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(JSON.parse(n.payload ?? '{}').id));
    await listener.query(`LISTEN ${WAKE_CHANNEL}`);
    const quiet = await createPostgresStores(url, { schema, notifyEvents: false });
    const loud = await createPostgresStores(url, { schema });
    try {
      await quiet.events.append(log('job_quiet', 'q'));
      await loud.events.append(log('job_loud', 'l'));
      // Notifications arrive in commit order: once the loud one is heard, the quiet one would have been.
      await expect.poll(() => heard.includes('job_loud'), { timeout: 5_000, interval: 5 }).toBe(true);
      expect(heard).not.toContain('job_quiet');
      expect((await quiet.events.read('job_quiet', 0)).map((e) => e.id)).toEqual([1]);
    } finally {
      await quiet.close();
      await loud.close();
      await listener.end();
    }
  });

  it('asyncEventCommit: appends commit, ids continue, and the setting does not outlive the append', async () => {
    const stores = await createPostgresStores(url, { schema, asyncEventCommit: true, maxConnections: 1 });
    try {
      expect(
        (await stores.events.appendMany?.([log('job_async', 'a'), log('job_async', 'b')]))?.map((e) => e.id),
      ).toEqual([1, 2]);
      expect((await stores.events.append(log('job_async', 'c'))).id).toBe(3);
      // One pooled connection: the one that ran the appends is back at the server's default.
      const { rows } = await stores.db.pool.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
      expect(rows[0]?.synchronous_commit).toBe('on');
      expect((await stores.events.read('job_async', 0)).map((e) => e.id)).toEqual([1, 2, 3]);
    } finally {
      await stores.close();
    }
  });
});
