/**
 * Reads the server's `memory.ndjson` (written by bench/lib/soak-diag.ts) and returns the memory
 * split, in MB, at the end of warm-up, at the last sample and at the sample with the largest RSS,
 * and the largest value of each figure after warm-up (`largestAfterWarmup`: e.g. how far the young
 * generation, `newSpaceMb`, grew).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

type Line = Record<string, number> & { s: number; rss: number };

/** The split at warm-up, end and peak; `undefined` when the file is missing or empty. */
export async function diagSummary(
  dir: string,
  warmupMs: number,
): Promise<Record<string, Record<string, number>> | undefined> {
  const text = await readFile(join(dir, 'memory.ndjson'), 'utf8').catch(() => '');
  const lines = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Line);
  if (lines.length === 0) return undefined;
  const mb = (line: Line): Record<string, number> =>
    Object.fromEntries(
      Object.entries(line).map(([k, v]) => [
        k === 's' ? 'atS' : `${k}Mb`,
        k === 's' ? v : Math.round(v / 104857.6) / 10,
      ]),
    );
  const warm = lines.find((l) => l.s * 1000 >= warmupMs) ?? (lines[0] as Line);
  const peak = lines.reduce((a, b) => (b.rss > a.rss ? b : a));
  const after = lines.filter((l) => l.s >= warm.s);
  const largest = Object.fromEntries(
    Object.keys(warm)
      .filter((k) => k !== 's')
      .map((k) => [k, Math.max(...after.map((l) => l[k] ?? 0))]),
  ) as Line;
  const { atS: _, ...largestMb } = mb({ ...largest, s: 0 });
  return {
    afterWarmup: mb(warm),
    end: mb(lines[lines.length - 1] as Line),
    peak: mb(peak),
    largestAfterWarmup: largestMb,
  };
}
