import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReelayEvent, StoredEvent } from '../../../src/domain/events.js';
import type { EventLog } from '../../../src/state/event-log.js';
import { manualClock, type OpenStores, type StoresHandle } from './harness.js';

const progress = (jobId: string, percentage: number): ReelayEvent => ({
  type: 'progress',
  jobId,
  timestamp: '2025-01-01T00:00:00.000Z',
  percentage,
  stage: 'script',
  message: `at ${percentage}`,
});

/** The {@link EventLog} contract, run against one implementation. */
export function eventLogContract(name: string, open: OpenStores): void {
  describe(`${name}: EventLog contract`, () => {
    let handle: StoresHandle;
    let log: EventLog;
    beforeEach(async () => {
      handle = await open(manualClock());
      log = handle.stores.events;
    });
    afterEach(() => handle.cleanup());

    it('assigns ids 1, 2, 3 per job, independently across jobs', async () => {
      const a1 = await log.append(progress('a', 1));
      const b1 = await log.append(progress('b', 1));
      const a2 = await log.append(progress('a', 2));
      const a3 = await log.append(progress('a', 3));
      expect([a1.id, a2.id, a3.id, b1.id]).toEqual([1, 2, 3, 1]);
      expect(await log.lastId('a')).toBe(3);
      expect(await log.lastId('b')).toBe(1);
      expect(await log.lastId('none')).toBe(0);
    });

    it('gives concurrent appends distinct consecutive ids', async () => {
      const stored = await Promise.all([1, 2, 3, 4, 5].map((p) => log.append(progress('c', p))));
      expect(stored.map((s) => s.id).sort()).toEqual([1, 2, 3, 4, 5]);
    });

    it('reads after an id, in order, up to a limit, with the full event', async () => {
      for (const p of [10, 20, 30, 40]) await log.append(progress('a', p));
      await log.append(progress('b', 99));
      const all = await log.read('a');
      expect(all.map((e) => e.id)).toEqual([1, 2, 3, 4]);
      expect(all[0]).toEqual({ ...progress('a', 10), id: 1 });
      expect((await log.read('a', 2)).map((e) => e.id)).toEqual([3, 4]);
      expect((await log.read('a', 1, 2)).map((e) => e.id)).toEqual([2, 3]);
      expect(await log.read('a', 4)).toEqual([]);
      expect(await log.read('nobody')).toEqual([]);
    });

    it('reads after any id the API accepts (up to 15 digits), beyond 32 bits', async () => {
      await log.append(progress('a', 1));
      expect(await log.read('a', 2_147_483_648)).toEqual([]);
      expect(await log.read('a', 999_999_999_999_999)).toEqual([]);
      expect((await log.read('a', 0)).map((e) => e.id)).toEqual([1]);
    });

    it('delivers live events of the subscribed job only, until disposed', async () => {
      await log.append(progress('a', 1));
      const seen: StoredEvent[] = [];
      const sub = log.subscribe('a', (e) => seen.push(e));
      await log.append(progress('b', 5));
      await log.append(progress('a', 2));
      sub.dispose();
      await log.append(progress('a', 3));
      expect(seen.map((e) => [e.jobId, e.id])).toEqual([['a', 2]]);
    });

    it('appendMany: one write, ids continuing each job in array order, same events as append', async () => {
      if (!log.appendMany) throw new Error(`${name} has no appendMany`);
      await log.append(progress('a', 1));
      const seen: number[] = [];
      const sub = log.subscribe('a', (e) => seen.push(e.id));
      const stored = await log.appendMany([progress('a', 2), progress('b', 1), progress('a', 3)]);
      sub.dispose();
      expect(stored.map((e) => [e.jobId, e.id])).toEqual([
        ['a', 2],
        ['b', 1],
        ['a', 3],
      ]);
      expect(await log.read('a')).toEqual([
        { ...progress('a', 1), id: 1 },
        { ...progress('a', 2), id: 2 },
        { ...progress('a', 3), id: 3 },
      ]);
      expect(seen).toEqual([2, 3]);
      expect(await log.appendMany([])).toEqual([]);
      expect(await log.lastId('b')).toBe(1);
    });

    it('appendMany and append interleaved concurrently: ids stay contiguous, each batch in order', async () => {
      const batches = await Promise.all([
        log.appendMany!([progress('c', 1), progress('c', 2)]),
        log.append(progress('c', 3)),
        log.appendMany!([progress('c', 4), progress('c', 5), progress('c', 6)]),
      ]);
      const ids = batches.flat().map((e) => e.id);
      expect([...ids].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6]);
      const first = batches[0] as StoredEvent[];
      const third = batches[2] as StoredEvent[];
      expect(first[1]!.id).toBe(first[0]!.id + 1);
      expect(third.map((e) => e.id - third[0]!.id)).toEqual([0, 1, 2]);
    });
  });
}
