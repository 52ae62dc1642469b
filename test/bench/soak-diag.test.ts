import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupHeap, type HeapSnapshotJson } from '../../bench/lib/heap-groups.js';
import { diagSummary } from '../../bench/lib/soak-diag-summary.js';

/** A snapshot with fields [type, name, id, self_size]: two Foo objects, one Bar, two strings. */
function snapshot(): HeapSnapshotJson {
  return {
    snapshot: {
      meta: {
        node_fields: ['type', 'name', 'id', 'self_size'],
        node_types: [['hidden', 'object', 'string']],
      },
    },
    strings: ['Foo', 'Bar', 'hello world', 'hello there'],
    nodes: [1, 0, 1, 40, 1, 0, 2, 24, 1, 1, 3, 100, 2, 2, 4, 16, 2, 3, 5, 32],
  };
}

describe('groupHeap', () => {
  it('sums counts and self sizes per type and constructor, strings by type alone', () => {
    const groups = groupHeap(snapshot());
    expect(groups.get('object:Foo')).toEqual({ count: 2, size: 64 });
    expect(groups.get('object:Bar')).toEqual({ count: 1, size: 100 });
    expect(groups.get('string:')).toEqual({ count: 2, size: 48 });
  });

  it('groups strings by their first 40 characters when asked', () => {
    const groups = groupHeap(snapshot(), true);
    expect(groups.get('string:hello world')).toEqual({ count: 1, size: 16 });
    expect(groups.has('string:')).toBe(false);
  });
});

describe('diagSummary', () => {
  it('reports the split at the end of warm-up, at the end, at the peak, and the largest of each figure after warm-up, in MB', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'soak-diag-'));
    try {
      const mb = 1024 * 1024;
      const lines = [
        { s: 0, rss: 100 * mb, heapUsed: 10 * mb },
        { s: 60, rss: 300 * mb, heapUsed: 30 * mb },
        { s: 120, rss: 150 * mb, heapUsed: 20 * mb },
        { s: 180, rss: 160 * mb, heapUsed: 21 * mb },
      ];
      await writeFile(join(dir, 'memory.ndjson'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
      const summary = await diagSummary(dir, 90_000);
      expect(summary?.afterWarmup).toEqual({ atS: 120, rssMb: 150, heapUsedMb: 20 });
      expect(summary?.end).toEqual({ atS: 180, rssMb: 160, heapUsedMb: 21 });
      expect(summary?.peak).toEqual({ atS: 60, rssMb: 300, heapUsedMb: 30 });
      // Each figure's own maximum from the baseline on: the start-up peak at 60 s is left out.
      expect(summary?.largestAfterWarmup).toEqual({ rssMb: 160, heapUsedMb: 21 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is undefined without samples', async () => {
    expect(await diagSummary(join(tmpdir(), 'no-such-soak-diag-dir'), 0)).toBeUndefined();
  });
});
