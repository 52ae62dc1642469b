import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReelayError } from '../../../src/domain/errors.js';
import {
  createJobRecord,
  JOB_STATUSES,
  type JobRecord,
  type JobStatus,
} from '../../../src/jobs/job-record.js';
import {
  cancelJob,
  canTransition,
  completeJob,
  failJob,
  recoverJob,
  reportProgress,
  startJob,
} from '../../../src/jobs/job-state-machine.js';
import type { JobStore } from '../../../src/state/job-store.js';
import { caught, type ManualClock, manualClock, type OpenStores, type StoresHandle, T0 } from './harness.js';

const output = { path: '/v.mp4', durationSeconds: 3, sizeBytes: 10, width: 640, height: 360 };
const failure = { code: 'REELAY_ERR_PROVIDER', message: 'Ollama failed', retryable: false };

/** A queued job created at `T0 + n` ms with id `job-n`. */
const job = (n: number): JobRecord => {
  const clock = { now: () => T0 + n, setTimeout: () => 0 as never, clearTimeout: () => {} };
  return createJobRecord(
    { id: `job-${n}`, correlationId: `corr-${n}`, request: { brief: `brief ${n}` }, fallbackPolicy: 'auto' },
    { clock },
  );
};

/** The move to `to`, performed by the state-machine function that does it, at T0 + 1 h. */
function move(record: JobRecord, to: JobStatus): JobRecord {
  const now = T0 + 3_600_000;
  if (to === 'queued') return recoverJob(record, now);
  if (to === 'running') return startJob(record, { owner: 'w2', leaseMs: 1000, now });
  if (to === 'done') return completeJob(record, output, now);
  if (to === 'failed') return failJob(record, failure, now);
  return cancelJob(record, 'user', now);
}

function expectCode(error: unknown, code: string): ReelayError {
  expect(ReelayError.isInstance(error)).toBe(true);
  expect((error as ReelayError).code).toBe(code);
  return error as ReelayError;
}

/** What a backend can promise beyond the interface, for the tests that need it. */
export interface JobStoreContractOptions {
  /**
   * True when a write started inside `mutate` completes before `mutate` returns (memory and
   * SQLite: synchronous engines). Those backends get a deterministic lost-race test; others
   * (PostgreSQL) are raced with real concurrent writers instead.
   * @default true
   */
  synchronousWrites?: boolean;
}

/** The {@link JobStore} contract, run against one implementation. */
export function jobStoreContract(
  name: string,
  open: OpenStores,
  options: JobStoreContractOptions = {},
): void {
  const synchronous = options.synchronousWrites ?? true;
  describe(`${name}: JobStore contract`, () => {
    let handle: StoresHandle;
    let store: JobStore;
    let clock: ManualClock;
    beforeEach(async () => {
      clock = manualClock();
      handle = await open(clock);
      store = handle.stores.jobs;
    });
    afterEach(() => handle.cleanup());

    /** A stored job in `status`, reached through legal moves. */
    async function stored(n: number, status: JobStatus): Promise<JobRecord> {
      await store.create(job(n));
      if (status === 'queued') return job(n);
      if (status === 'canceled') return store.update(`job-${n}`, (r) => cancelJob(r, 'user', T0));
      await store.update(`job-${n}`, (r) => startJob(r, { owner: 'w1', leaseMs: 1000, now: T0 }));
      if (status === 'running') return (await store.get(`job-${n}`)) as JobRecord;
      return store.update(`job-${n}`, (r) =>
        status === 'done' ? completeJob(r, output, T0) : failJob(r, failure, T0),
      );
    }

    it('creates, gets (null when absent) and refuses a duplicate id', async () => {
      await store.create(job(1));
      expect(await store.get('job-1')).toEqual(job(1));
      expect(await store.get('job-404')).toBeNull();
      const err = expectCode(await caught(() => store.create(job(1))), 'REELAY_ERR_CONFLICT');
      expect(err.message).toContain('job-1');
    });

    describe('transitions through update', () => {
      let n = 100;
      for (const from of JOB_STATUSES) {
        for (const to of JOB_STATUSES) {
          if (from === to) continue;
          const legal = canTransition(from, to);
          it(`${from} → ${to} is ${legal ? 'stored' : 'refused and leaves the job unchanged'}`, async () => {
            n += 1;
            const before = await stored(n, from);
            const id = before.id;
            if (legal) {
              const after = await store.update(id, (r) => move(r, to));
              expect(after.status).toBe(to);
              expect(after.version).toBe(before.version + 1);
              expect(await store.get(id)).toEqual(after);
              return;
            }
            const err = expectCode(
              await caught(() => store.update(id, (r) => move(r, to))),
              'REELAY_ERR_CONFLICT',
            );
            expect(err.message).toContain(id);
            expect(err.message).toContain(`${from} → ${to}`);
            expect(await store.get(id)).toEqual(before);
          });
        }
      }
    });

    it('update bumps the version, sets updatedAt from the store clock, and refuses a missing job or new id', async () => {
      await store.create(job(1));
      clock.set(T0 + 42);
      const after = await store.update('job-1', (r) => ({ ...r, message: 'hello' }));
      expect(after).toMatchObject({ version: 2, message: 'hello', updatedAt: '2025-01-01T00:00:00.042Z' });
      expectCode(await caught(() => store.update('job-404', (r) => r)), 'REELAY_ERR_NOT_FOUND');
      expectCode(
        await caught(() => store.update('job-1', (r) => ({ ...r, id: 'other' }))),
        'REELAY_ERR_VALIDATION',
      );
    });

    it.runIf(synchronous)(
      'optimistic concurrency: a write between read and write forces a retry, losing nothing',
      async () => {
        await stored(1, 'running');
        let calls = 0;
        const after = await store.update('job-1', (r) => {
          calls += 1;
          // A second writer commits while this one holds a stale copy.
          if (calls === 1)
            void store.update('job-1', (x) => ({ ...x, artifacts: [...x.artifacts, 'b.wav'] }));
          return reportProgress({ ...r, artifacts: [...r.artifacts, 'a.wav'] }, { progress: 40 }, T0);
        });
        expect(calls).toBe(2);
        expect(after.artifacts).toEqual(['b.wav', 'a.wav']);
        const saved = await store.get('job-1');
        expect(saved).toMatchObject({ version: 4, progress: 40, artifacts: ['b.wav', 'a.wav'] });
      },
    );

    it('two concurrent updates both land', async () => {
      await stored(1, 'running');
      await Promise.all([
        store.update('job-1', (r) => ({ ...r, artifacts: [...r.artifacts, 'x'] })),
        store.update('job-1', (r) => reportProgress(r, { progress: 70, stage: 'render' }, T0)),
      ]);
      expect(await store.get('job-1')).toMatchObject({
        version: 4,
        artifacts: ['x'],
        progress: 70,
        stage: 'render',
      });
    });

    it.runIf(synchronous)('gives up with a retryable REELAY_ERR_CONFLICT after 10 lost races', async () => {
      await store.create(job(1));
      let calls = 0;
      const error = await caught(() =>
        store.update('job-1', (r) => {
          calls += 1;
          void store.update('job-1', (x) => ({ ...x, message: `other ${calls}` }));
          return r;
        }),
      );
      expect(expectCode(error, 'REELAY_ERR_CONFLICT').retryable).toBe(true);
      expect(calls).toBe(10);
    });

    it('ten concurrent writers all land, each exactly once', async () => {
      await store.create(job(1));
      const names = Array.from({ length: 10 }, (_, i) => `part-${i}`);
      await Promise.all(
        names.map((p) => store.update('job-1', (r) => ({ ...r, artifacts: [...r.artifacts, p] }))),
      );
      const saved = await store.get('job-1');
      expect([...(saved?.artifacts ?? [])].sort()).toEqual([...names].sort());
      expect(saved?.version).toBe(11);
    });

    it('concurrent claims never hand out the same job twice', async () => {
      for (let i = 1; i <= 3; i++) await store.create(job(i));
      const claims = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((w) => store.claim(w, 60_000, T0)));
      const ids = claims.filter((c) => c !== null).map((c) => c?.id);
      expect(ids.sort()).toEqual(['job-1', 'job-2', 'job-3']);
    });

    it('claim takes the oldest queued job, atomically sets it running with a lease', async () => {
      await store.create(job(1));
      await store.create(job(2));
      await store.create(job(3));
      await store.update('job-1', (r) => cancelJob(r, 'user', T0));
      const first = await store.claim('w1', 30_000, T0 + 10);
      expect(first).toMatchObject({
        id: 'job-2',
        status: 'running',
        attempts: 1,
        lease: { owner: 'w1', expiresAt: '2025-01-01T00:00:30.010Z' },
        startedAt: '2025-01-01T00:00:00.010Z',
        version: 2,
      });
      expect(await store.get('job-2')).toEqual(first);
      expect((await store.claim('w2', 30_000, T0 + 10))?.id).toBe('job-3');
      expect(await store.claim('w3', 30_000, T0 + 10)).toBeNull();
    });

    it('claim recovers a running job whose lease lapsed: not 1 ms before, exactly at expiry', async () => {
      await store.create(job(1));
      await store.claim('w1', 5000, T0);
      await store.update('job-1', (r) => reportProgress(r, { progress: 35, stage: 'narration' }, T0));
      expect(await store.claim('w2', 5000, T0 + 4999)).toBeNull();
      const taken = await store.claim('w2', 5000, T0 + 5000);
      expect(taken).toMatchObject({
        id: 'job-1',
        status: 'running',
        attempts: 2,
        progress: 35,
        stage: 'narration',
      });
      expect(taken?.lease).toMatchObject({ owner: 'w2', expiresAt: '2025-01-01T00:00:10.000Z' });
      expect(taken?.startedAt).toBe('2025-01-01T00:00:00.000Z');
    });

    it('claim never takes a finished job, even with a stale lease', async () => {
      await stored(1, 'done');
      await stored(2, 'failed');
      await stored(3, 'canceled');
      expect(await store.claim('w9', 1000, T0 + 86_400_000)).toBeNull();
    });

    it('renewLease extends the owner lease from the store clock and refuses anyone else', async () => {
      await store.create(job(1));
      await store.claim('w1', 5000, T0);
      clock.set(T0 + 4000);
      const renewed = await store.renewLease('job-1', 'w1', 5000);
      expect(renewed.lease).toMatchObject({ owner: 'w1', expiresAt: '2025-01-01T00:00:09.000Z' });
      // Renewing keeps the holder stamp the claim put on the lease (liveness checks rely on it).
      expect(renewed.lease?.holder).toEqual((await store.leaseHolder?.()) ?? undefined);
      expect(await store.claim('w2', 5000, T0 + 8999)).toBeNull();
      expectCode(await caught(() => store.renewLease('job-1', 'w2', 5000)), 'REELAY_ERR_CONFLICT');
      await store.claim('w2', 5000, T0 + 9000);
      const lost = expectCode(
        await caught(() => store.renewLease('job-1', 'w1', 5000)),
        'REELAY_ERR_CONFLICT',
      );
      expect(lost.message).toContain('leased by w2');
    });

    it('lists newest first, pages with a cursor, filters by status', async () => {
      for (let i = 1; i <= 5; i++) await store.create(job(i));
      await store.update('job-2', (r) => cancelJob(r, 'user', T0));
      await store.update('job-4', (r) => cancelJob(r, 'user', T0));
      const p1 = await store.list({ limit: 2 });
      expect(p1.items.map((j) => j.id)).toEqual(['job-5', 'job-4']);
      const p2 = await store.list({ limit: 2, cursor: p1.nextCursor ?? '' });
      expect(p2.items.map((j) => j.id)).toEqual(['job-3', 'job-2']);
      const p3 = await store.list({ limit: 2, cursor: p2.nextCursor ?? '' });
      expect(p3).toEqual({ items: [job(1)], nextCursor: null });
      const canceled = await store.list({ status: 'canceled' });
      expect(canceled.items.map((j) => j.id)).toEqual(['job-4', 'job-2']);
      expect(canceled.nextCursor).toBeNull();
      const exact = await store.list({ status: 'queued', limit: 3 });
      expect(exact.items.map((j) => j.id)).toEqual(['job-5', 'job-3', 'job-1']);
      expect(exact.nextCursor).toBeNull();
      expectCode(await caught(() => store.list({ cursor: 'not-a-cursor' })), 'REELAY_ERR_VALIDATION');
    });

    it('lists 20 per page by default', async () => {
      for (let i = 1; i <= 21; i++) await store.create(job(i));
      const page = await store.list();
      expect(page.items).toHaveLength(20);
      expect(page.items[0]?.id).toBe('job-21');
      expect((await store.list({ cursor: page.nextCursor ?? '' })).items.map((j) => j.id)).toEqual(['job-1']);
    });

    it('hands out copies: changing a result does not change the store', async () => {
      const created = await store.create(job(1));
      created.artifacts.push('mutated');
      const got = await store.get('job-1');
      if (got) got.request.brief = 'mutated';
      expect(await store.get('job-1')).toEqual(job(1));
    });
  });
}
