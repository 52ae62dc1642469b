import { afterAll, describe, expect, it } from 'vitest';
import { ReelayError } from '../../src/domain/errors.js';
import type { ReelayEvent } from '../../src/domain/events.js';
import { createJobRecord } from '../../src/jobs/job-record.js';
import { openPostgres } from '../../src/state/postgres/open-postgres.js';
import { createPostgresStores } from '../../src/state/postgres/postgres-stores.js';
import { dropSchema, pgUnreachable, TEST_DATABASE_URL } from '../support/postgres-harness.js';
import { attemptTrailContract } from './contracts/attempt-trail-contract.js';
import { auditTrailContract } from './contracts/audit-trail-contract.js';
import { checkpointStoreContract } from './contracts/checkpoint-store-contract.js';
import { eventLogContract } from './contracts/event-log-contract.js';
import { manualClock, type OpenStores, T0 } from './contracts/harness.js';
import { jobLogStoreContract } from './contracts/job-log-store-contract.js';
import { jobStoreContract } from './contracts/job-store-contract.js';

const url = TEST_DATABASE_URL;
/** One schema per test run, dropped afterwards. */
const schema = `reelay_test_${process.pid}_${Date.now().toString(36)}`;
const TABLES = [
  'jobs',
  'checkpoints',
  'job_logs',
  'events',
  'event_seq',
  'audit_decisions',
  'upstream_attempts',
];

const unreachable = await pgUnreachable('the PostgreSQL store tests');

const open: OpenStores = async (clock) => {
  const stores = await createPostgresStores(url, { schema, clock, maxConnections: 6 });
  return {
    stores,
    cleanup: async () => {
      // DELETE is much faster than TRUNCATE on tiny tables; sequences need no reset (order only).
      await stores.db.pool.query(TABLES.map((t) => `DELETE FROM ${t};`).join(' '));
      await stores.close();
    },
  };
};

describe.skipIf(unreachable !== null)('PostgreSQL stores', () => {
  afterAll(() => dropSchema(schema));

  jobStoreContract('postgres', open, { synchronousWrites: false });
  checkpointStoreContract('postgres', open);
  jobLogStoreContract('postgres', open);
  eventLogContract('postgres', open);
  auditTrailContract('postgres', open);
  attemptTrailContract('postgres', open, async () => {
    // A second pool on the same schema: what a restarted (or another) API instance reads.
    const other = await createPostgresStores(url, { schema, maxConnections: 2 });
    if (!other.attempts) throw new Error('no attempt trail');
    return { trail: other.attempts, close: other.close };
  });

  describe('postgres specifics', () => {
    const event = (n: number): ReelayEvent => ({
      type: 'progress',
      jobId: 'j',
      timestamp: '2025-01-01T00:00:00.000Z',
      percentage: n,
      stage: 'script',
      message: 'm',
    });

    it('keeps data across pools and shares event ids and claims between them', async () => {
      const a = await open(manualClock());
      const b = await createPostgresStores(url, { schema });
      const job = createJobRecord(
        { id: 'pj', correlationId: 'c', request: { brief: 'b' }, fallbackPolicy: 'ask' },
        { clock: manualClock() },
      );
      await a.stores.jobs.create(job);
      const stored = await Promise.all(
        [1, 2, 3, 4].map((n) => (n % 2 ? a : { stores: b }).stores.events.append(event(n))),
      );
      expect(stored.map((e) => e.id).sort()).toEqual([1, 2, 3, 4]);
      const claims = await Promise.all([a.stores.jobs.claim('wa', 1000, T0), b.jobs.claim('wb', 1000, T0)]);
      expect(claims.filter((c) => c !== null)).toHaveLength(1);
      await b.close();
      const c = await createPostgresStores(url, { schema });
      expect(await c.jobs.get('pj')).toMatchObject({ status: 'running', attempts: 1 });
      expect(await c.events.lastId('j')).toBe(4);
      await c.close();
      await a.cleanup();
    });

    it('reports an unreachable server as REELAY_ERR_CONFIG with the password redacted', async () => {
      let error: unknown;
      try {
        await openPostgres('postgres://reelay:s3cretpw@127.0.0.1:1/x', { connectTimeoutMs: 1000 });
      } catch (e) {
        error = e;
      }
      expect(ReelayError.isInstance(error) && error.code).toBe('REELAY_ERR_CONFIG');
      const message = (error as Error).message;
      expect(message).toContain('127.0.0.1:1');
      expect(message).not.toContain('s3cretpw');
    });

    it('refuses an unsafe schema name before connecting', async () => {
      await expect(openPostgres(url, { schema: 'x; DROP TABLE jobs' })).rejects.toMatchObject({
        code: 'REELAY_ERR_CONFIG',
      });
    });
  });
});
