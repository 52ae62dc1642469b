import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttemptTrail, UpstreamAttemptRecord } from '../../../src/state/attempt-trail.js';
import { manualClock, type OpenStores, type StoresHandle, T0 } from './harness.js';

const attempt = (
  key: string,
  n: number,
  startedAtMs: number,
  extra: Partial<UpstreamAttemptRecord> = {},
): UpstreamAttemptRecord => ({
  key,
  correlationId: `corr-${key}`,
  group: 'chat',
  deployment: n === 1 ? 'primary' : 'backup',
  attempt: n,
  outcome: n === 1 ? 'failed' : 'ok',
  ...(n === 1 ? { reason: 'server_error', status: 503 } : { status: 200 }),
  startedAt: new Date(startedAtMs).toISOString(),
  elapsedMs: 12.5,
  midStream: false,
  ...extra,
});

/**
 * The durable {@link AttemptTrail} contract, run against one backend: order kept per key, records
 * round-trip unchanged, readable from a second opening of the same store (restart / another
 * instance), secrets in reasons redacted, retention prunes by start time.
 */
export function attemptTrailContract(
  name: string,
  open: OpenStores,
  reopen?: (handle: StoresHandle) => Promise<{ trail: AttemptTrail; close(): Promise<void> }>,
): void {
  describe(`${name}: AttemptTrail contract`, () => {
    let handle: StoresHandle;
    let trail: AttemptTrail;
    beforeEach(async () => {
      handle = await open(manualClock());
      const t = handle.stores.attempts;
      if (!t) throw new Error(`${name} has no attempt trail`);
      trail = t;
    });
    afterEach(() => handle.cleanup());

    it('keeps every attempt of a key in order, and the records unchanged', async () => {
      await trail.append([attempt('request:a', 1, T0), attempt('session:s', 1, T0)]);
      await trail.append([
        attempt('request:a', 2, T0 + 5),
        attempt('session:s', 2, T0 + 7, { midStream: true }),
      ]);
      await trail.append([]);
      expect(await trail.history('request:a')).toEqual([
        attempt('request:a', 1, T0),
        attempt('request:a', 2, T0 + 5),
      ]);
      expect((await trail.history('session:s')).map((r) => [r.attempt, r.midStream])).toEqual([
        [1, false],
        [2, true],
      ]);
      expect(await trail.history('request:none')).toEqual([]);
    });

    it('never stores a credential quoted in a reason', async () => {
      await trail.append([
        attempt('request:r', 1, T0, { reason: 'connect https://user:hunter2pass@up.example/v1' }),
      ]);
      const [stored] = await trail.history('request:r');
      expect(JSON.stringify(stored)).not.toContain('hunter2pass');
    });

    it('prunes the attempts that started before the cut-off, and only those', async () => {
      await trail.append([attempt('request:old', 1, T0), attempt('request:new', 1, T0 + 60_000)]);
      await trail.append([attempt('request:old', 2, T0 + 30_000)]);
      expect(await trail.prune?.(T0 + 30_000)).toBe(1);
      expect((await trail.history('request:old')).map((r) => r.attempt)).toEqual([2]);
      expect(await trail.prune?.(T0 + 60_001)).toBe(2);
      expect(await trail.history('request:old')).toEqual([]);
      expect(await trail.history('request:new')).toEqual([]);
    });

    if (reopen)
      it('serves the attempts from another opening of the same store (restart, another instance)', async () => {
        await trail.append([attempt('request:x', 1, T0), attempt('request:x', 2, T0 + 1)]);
        const other = await reopen(handle);
        try {
          expect((await other.trail.history('request:x')).map((r) => r.attempt)).toEqual([1, 2]);
        } finally {
          await other.close();
        }
      });
  });
}
