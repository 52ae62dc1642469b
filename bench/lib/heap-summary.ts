/**
 * Summarises V8 heap snapshots by constructor: `npx tsx bench/lib/heap-summary.ts a.heapsnapshot
 * [b.heapsnapshot]`. With one file, prints the 40 largest groups (node type + name) by total self
 * size, with their counts; with two, prints the 40 groups whose self size grew most from a to b.
 * `--strings` groups strings by their first 40 characters instead of lumping them together.
 * Used to find what a soak's server keeps (see bench/lib/soak-diag.ts).
 */
import { readFileSync } from 'node:fs';
import { groupHeap, type HeapGroups, type HeapSnapshotJson } from './heap-groups.js';

const byPrefix = process.argv.includes('--strings');

function load(path: string): HeapGroups {
  return groupHeap(JSON.parse(readFileSync(path, 'utf8')) as HeapSnapshotJson, byPrefix);
}

function kb(n: number): string {
  return `${(n / 1024).toFixed(1)} kB`;
}

const [a, b] = process.argv.slice(2).filter((arg) => arg !== '--strings');
if (!a) {
  process.stderr.write('usage: heap-summary.ts a.heapsnapshot [b.heapsnapshot]\n');
  process.exit(2);
}
const first = load(a);
const total = (g: HeapGroups): number => [...g.values()].reduce((s, v) => s + v.size, 0);
if (!b) {
  process.stdout.write(`total ${kb(total(first))}\n`);
  for (const [key, g] of [...first].sort((x, y) => y[1].size - x[1].size).slice(0, 40))
    process.stdout.write(`${kb(g.size).padStart(12)} ${String(g.count).padStart(8)}  ${key}\n`);
} else {
  const second = load(b);
  process.stdout.write(`total ${kb(total(first))} → ${kb(total(second))}\n`);
  const keys = new Set([...first.keys(), ...second.keys()]);
  const rows = [...keys].map((key) => {
    const x = first.get(key) ?? { count: 0, size: 0 };
    const y = second.get(key) ?? { count: 0, size: 0 };
    return { key, dSize: y.size - x.size, dCount: y.count - x.count, count: y.count };
  });
  for (const r of rows.sort((x, y) => y.dSize - x.dSize).slice(0, 40))
    process.stdout.write(
      `${kb(r.dSize).padStart(12)} ${String(r.dCount).padStart(8)} (now ${r.count})  ${r.key}\n`,
    );
}
