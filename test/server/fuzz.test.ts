/**
 * A seeded run of hostile requests against a real listening server over real stores (SQLite, and
 * PostgreSQL when reachable): no 5xx, and every error answer is problem details with the echoed
 * correlation id. `bench/fuzz.ts` runs the same generator for ≥ 10 000 requests.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import type { Reelay } from '../../src/jobs/create-reelay.js';
import { createServer } from '../../src/server/create-server.js';
import { createPostgresStores } from '../../src/state/postgres/postgres-stores.js';
import { runFuzz } from '../support/hostile-requests.js';
import { removeDir, startReelay, tempDir } from '../support/pipeline-harness.js';
import { dropSchema, pgUnreachable, TEST_DATABASE_URL } from '../support/postgres-harness.js';

const PG_URL = TEST_DATABASE_URL;
const schema = `reelay_fuzz_${process.pid}_${Date.now().toString(36)}`;
const havePg = (await pgUnreachable('the PostgreSQL fuzz run')) === null;

async function fuzzOnce(reelay: Reelay): Promise<void> {
  const app: FastifyInstance = createServer({
    service: reelay.service,
    config: { generateRatePerMinute: 100_000 },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const job = await reelay.service.submit({ brief: 'Explain how tides work for curious kids' });
    const tally = await runFuzz(port, { seed: 42, count: 400, concurrency: 4, jobIds: [job.id] });
    expect(tally.failures).toEqual([]);
    expect(tally.serverErrors).toBe(0);
    expect(tally.problemDetailsWithCorrelation).toBe(tally.errorResponses);
    expect(tally.requests).toBe(400);
  } finally {
    await app.close();
  }
}

describe('hostile-input fuzz (seeded)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await removeDir(d);
    if (havePg) await dropSchema(schema);
  });

  it('SQLite: 0 5xx, every error is problem details with the correlation id', async () => {
    const dir = await tempDir('reelay-fuzz-');
    dirs.push(dir);
    const reelay = await startReelay(dir, { worker: false });
    try {
      await fuzzOnce(reelay);
    } finally {
      await reelay.close();
    }
  }, 120_000);

  it.skipIf(!havePg)(
    'PostgreSQL: 0 5xx, every error is problem details with the correlation id',
    async () => {
      const dir = await tempDir('reelay-fuzz-pg-');
      dirs.push(dir);
      const reelay = await startReelay(dir, {
        worker: false,
        stores: await createPostgresStores(PG_URL, { schema }),
      });
      try {
        await fuzzOnce(reelay);
      } finally {
        await reelay.close();
      }
    },
    120_000,
  );
});
