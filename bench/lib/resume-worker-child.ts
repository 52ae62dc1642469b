/**
 * A worker process of a split deployment without Redis, for bench/resume.ts:
 * `node --import tsx bench/lib/resume-worker-child.ts <dataDir> <databaseUrl|-> <liveness|lease> [guardMs]`.
 * On SQLite (`-`) it shares `<dataDir>/reelay.db`; on PostgreSQL it uses `databaseUrl`. With
 * `lease` it behaves as before worker liveness: its leases carry no holder stamp, so other
 * workers can only wait for them to lapse (the baseline). Prints the milestone lines of
 * test/scale/worker-child.ts.
 */
import type { JobRecord } from '../../src/domain/job-record.js';
import type { JobStore } from '../../src/state/job-store.js';
import { createPostgresStores } from '../../src/state/postgres/postgres-stores.js';
import { createSqliteStores } from '../../src/state/sqlite/sqlite-stores.js';
import type { ReelayStores } from '../../src/state/stores.js';
import { startReelay } from '../../test/support/pipeline-harness.js';

const [dataDir, databaseUrl, variant, guardMs] = process.argv.slice(2);
if (!dataDir || !databaseUrl || (variant !== 'liveness' && variant !== 'lease'))
  throw new Error('usage: resume-worker-child.ts <dataDir> <databaseUrl|-> <liveness|lease> [guardMs]');

const durable: ReelayStores =
  databaseUrl === '-'
    ? createSqliteStores(`${dataDir}/reelay.db`)
    : await createPostgresStores(databaseUrl, { maxConnections: 4 });

/** The job store as it was before liveness: leases without a holder, claims by expiry only. */
function leaseOnly(inner: JobStore): JobStore {
  const strip = (r: JobRecord): JobRecord =>
    r.lease ? { ...r, lease: { owner: r.lease.owner, expiresAt: r.lease.expiresAt } } : r;
  return {
    create: (r) => inner.create(r),
    get: (id) => inner.get(id),
    update: (id, mutate) => inner.update(id, mutate),
    list: (q) => inner.list(q),
    renewLease: (id, owner, ms) => inner.renewLease(id, owner, ms),
    claim: async (owner, ms, now) => {
      const job = await inner.claim(owner, ms, now);
      return job ? inner.update(job.id, strip) : null;
    },
  };
}

const stores: ReelayStores = variant === 'lease' ? { ...durable, jobs: leaseOnly(durable.jobs) } : durable;
const reelay = await startReelay(dataDir, {
  stores,
  sharedStore: true,
  worker: true,
  pollIntervalMs: 1_000,
  leaseMs: 30_000,
});
const say = (line: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};
reelay.sink.onStored((event) => {
  if (event.type === 'job-started') say({ started: event.jobId, attempt: event.attempt, at: Date.now() });
  if (event.type === 'stage-complete') say({ stage: event.stage, jobId: event.jobId });
});
say({ ready: true });
setTimeout(() => process.exit(3), Number(guardMs ?? 1_800_000)).unref();
process.stdin.resume();
process.on('SIGTERM', () => {
  void reelay.close().then(() => process.exit(0));
});
