/**
 * A worker on PostgreSQL opens its connections and its liveness session before it takes a job
 * (`ReelayStores.warmUp`), and the pool keeps `minConnections` of them open while idle, so a job's
 * first events do not wait for new PostgreSQL backends.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_MIN_CONNECTIONS } from '../../src/state/postgres/open-postgres.js';
import { createPostgresStores } from '../../src/state/postgres/postgres-stores.js';
import { dropSchema, pgUnreachable, TEST_DATABASE_URL } from '../support/postgres-harness.js';

const schema = `reelay_warm_${process.pid}_${Date.now().toString(36)}`;
const reachable = (await pgUnreachable('the connection warm-up tests')) === null;

describe.skipIf(!reachable)('PostgreSQL warm-up', () => {
  afterAll(() => dropSchema(schema));

  it('opens the minimum of pooled connections and the liveness session, and keeps them while idle', async () => {
    const stores = await createPostgresStores(TEST_DATABASE_URL, { schema });
    try {
      const pool = stores.db.pool;
      // Before: the migration's one connection, idle.
      expect(pool.totalCount).toBeLessThanOrEqual(1);
      await stores.warmUp?.();
      // The session's connection is checked out for the life of the process; the others idle.
      expect(pool.totalCount).toBe(DEFAULT_MIN_CONNECTIONS);
      expect(pool.idleCount).toBe(DEFAULT_MIN_CONNECTIONS - 1);
      expect(pool.options.min).toBe(DEFAULT_MIN_CONNECTIONS);
      const holder = await stores.jobs.leaseHolder?.();
      expect(holder?.session).toBeGreaterThan(0);
      // Warming up again opens nothing more.
      await stores.warmUp?.();
      expect(pool.totalCount).toBe(DEFAULT_MIN_CONNECTIONS);
    } finally {
      await stores.close();
    }
  });

  it('takes a configured minimum, bounded by the pool maximum', async () => {
    const stores = await createPostgresStores(TEST_DATABASE_URL, {
      schema,
      minConnections: 6,
      maxConnections: 3,
    });
    try {
      await stores.warmUp?.();
      expect(stores.db.pool.totalCount).toBe(3);
      expect(stores.db.pool.options.min).toBe(3);
    } finally {
      await stores.close();
    }
  });
});
