import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobLogStore } from '../../../src/state/job-log-store.js';
import { manualClock, type OpenStores, type StoresHandle } from './harness.js';

const at = (s: number): string => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString();

/** The {@link JobLogStore} contract, run against one implementation. */
export function jobLogStoreContract(name: string, open: OpenStores): void {
  describe(`${name}: JobLogStore contract`, () => {
    let handle: StoresHandle;
    let logs: JobLogStore;
    beforeEach(async () => {
      handle = await open(manualClock());
      logs = handle.stores.jobLogs;
    });
    afterEach(() => handle.cleanup());

    it('reads entries oldest first, per job, with fields', async () => {
      await logs.append('j1', { level: 'info', message: 'script started', timestamp: at(1) });
      await logs.append('j2', { level: 'info', message: 'other job', timestamp: at(2) });
      await logs.append('j1', {
        level: 'warn',
        message: 'slow',
        fields: { provider: 'ollama', ms: 12 },
        timestamp: at(3),
      });
      expect(await logs.read('j1')).toEqual([
        { level: 'info', message: 'script started', timestamp: at(1) },
        { level: 'warn', message: 'slow', fields: { provider: 'ollama', ms: 12 }, timestamp: at(3) },
      ]);
      expect(await logs.read('none')).toEqual([]);
    });

    it('returns the last `limit` entries, and 200 by default', async () => {
      for (let i = 0; i < 205; i++)
        await logs.append('j1', { level: 'debug', message: `m${i}`, timestamp: at(i % 60) });
      expect((await logs.read('j1', 3)).map((e) => e.message)).toEqual(['m202', 'm203', 'm204']);
      const all = await logs.read('j1');
      expect(all).toHaveLength(200);
      expect(all[0]?.message).toBe('m5');
      expect(await logs.read('j1', 0)).toEqual([]);
    });

    it('redacts key-shaped strings and bearer tokens on append', async () => {
      await logs.append('j1', {
        level: 'error',
        message: 'call failed with key sk-abcdefghijklmnopqrst',
        fields: { header: 'Bearer abcdefghijklmnop123', list: ['sk-zyxwvutsrqponmlkji'] },
        timestamp: at(0),
      });
      const text = JSON.stringify(await logs.read('j1'));
      expect(text).not.toContain('abcdefghijklmnop');
      expect(text).not.toContain('zyxwvutsrqponmlkji');
      expect(text).toContain('[REDACTED]');
    });
  });
}
