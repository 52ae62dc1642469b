import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Checkpoint, CheckpointStore } from '../../../src/state/checkpoint-store.js';
import { manualClock, type OpenStores, type StoresHandle } from './harness.js';

const cp = (jobId: string, stepId: string, sha = 'ab'.repeat(32)): Checkpoint => ({
  jobId,
  stepId,
  artifactPath: `/data/${jobId}/${stepId}.wav`,
  sha256: sha,
  sizeBytes: 4096,
  meta: { durationMs: 1500, provider: 'espeak', nested: { ok: true } },
  completedAt: '2025-01-01T00:00:01.000Z',
});

/** The {@link CheckpointStore} contract, run against one implementation. */
export function checkpointStoreContract(name: string, open: OpenStores): void {
  describe(`${name}: CheckpointStore contract`, () => {
    let handle: StoresHandle;
    let store: CheckpointStore;
    beforeEach(async () => {
      handle = await open(manualClock());
      store = handle.stores.checkpoints;
    });
    afterEach(() => handle.cleanup());

    it('puts, gets and lists per job in first-stored order', async () => {
      await store.put(cp('j1', 'script'));
      await store.put(cp('j1', 'narration:1'));
      await store.put(cp('j2', 'script'));
      expect(await store.get('j1', 'script')).toEqual(cp('j1', 'script'));
      expect(await store.get('j1', 'visuals')).toBeNull();
      expect(await store.get('j3', 'script')).toBeNull();
      expect((await store.list('j1')).map((c) => c.stepId)).toEqual(['script', 'narration:1']);
      expect(await store.list('none')).toEqual([]);
    });

    it('replaces a step in place and removes one step', async () => {
      await store.put(cp('j1', 'a'));
      await store.put(cp('j1', 'b'));
      await store.put(cp('j1', 'a', 'cd'.repeat(32)));
      const list = await store.list('j1');
      expect(list.map((c) => [c.stepId, c.sha256.slice(0, 2)])).toEqual([
        ['a', 'cd'],
        ['b', 'ab'],
      ]);
      expect(await store.remove('j1', 'a')).toBe(true);
      expect(await store.remove('j1', 'a')).toBe(false);
      expect((await store.list('j1')).map((c) => c.stepId)).toEqual(['b']);
    });

    it('returns copies: changing a result does not change the store', async () => {
      await store.put(cp('j1', 'a'));
      const got = await store.get('j1', 'a');
      if (got) got.meta.provider = 'changed';
      expect((await store.get('j1', 'a'))?.meta.provider).toBe('espeak');
    });
  });
}
