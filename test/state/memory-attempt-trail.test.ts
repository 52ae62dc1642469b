import { describe, expect, it } from 'vitest';
import type { UpstreamAttemptRecord } from '../../src/state/attempt-trail.js';
import { MemoryAttemptTrail } from '../../src/state/memory/memory-attempt-trail.js';

const at = (key: string, attempt: number, ms: number): UpstreamAttemptRecord => ({
  key,
  correlationId: key,
  group: 'g',
  deployment: 'd',
  attempt,
  outcome: 'ok',
  startedAt: new Date(ms).toISOString(),
  elapsedMs: 1,
  midStream: false,
});

describe('MemoryAttemptTrail retention', () => {
  it('prunes the attempts that started before the cut-off and drops emptied keys', async () => {
    const trail = new MemoryAttemptTrail();
    await trail.append([at('a', 1, 1000), at('a', 2, 3000), at('b', 1, 2000)]);
    expect(await trail.prune(2500)).toBe(2);
    expect((await trail.history('a')).map((r) => r.attempt)).toEqual([2]);
    expect(await trail.history('b')).toEqual([]);
    expect(await trail.prune(2500)).toBe(0);
  });
});
