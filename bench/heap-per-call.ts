/**
 * What one pending call keeps on the heap, by constructor: takes a heap snapshot while 10 000
 * calls wait inside the whole call pipeline (the gateway-overhead bench's scenario) and one while
 * as many wait inside the same harness around a pass-through, and prints the difference per call
 * grouped by node type and constructor / closure name, largest first.
 *
 * Run: `node --expose-gc --import tsx bench/heap-per-call.ts [calls]`. Prints only; writes the two
 * snapshots to the OS temp directory and deletes them afterwards.
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import type { CallPolicy } from '../src/domain/call-context.js';
import { createBenchPipelines, startPendingCalls } from './lib/gateway-pipelines.js';

const gc = (globalThis as { gc?: () => void }).gc;
const n = Number(process.argv[2] ?? 10_000);
const { pipelines, ctx, gateway } = createBenchPipelines();

interface Row {
  count: number;
  bytes: number;
}

/** Self size and count per `type:name` of every node in a snapshot file. */
function summarise(file: string): Map<string, Row> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: {
      meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] };
    };
    nodes: number[];
    edges: number[];
    strings: string[];
  };
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const edgesAt = fields.indexOf('edge_count');
  const edgeWidth = snap.snapshot.meta.edge_fields.length;
  const edgeTypes = snap.snapshot.meta.edge_types[0];
  const firstEdge: number[] = [];
  for (let i = 0, e = 0; i < snap.nodes.length; i += width) {
    firstEdge.push(e);
    e += (snap.nodes[i + edgesAt] as number) * edgeWidth;
  }
  /** The node an edge named `edgeName` of node `i` (array offset) points at, or -1. */
  const follow = (i: number, edgeName: string): number => {
    const from = firstEdge[i / width] as number;
    const count = snap.nodes[i + edgesAt] as number;
    for (let k = 0; k < count; k++) {
      const at = from + k * edgeWidth;
      const type = edgeTypes[snap.edges[at] as number];
      const nameOrIndex = snap.edges[at + 1] as number;
      const label = type === 'element' || type === 'hidden' ? String(nameOrIndex) : snap.strings[nameOrIndex];
      if (label === edgeName) return snap.edges[at + 2] as number;
    }
    return -1;
  };
  const locations = new Map<number, string>();
  const locs = (snap as unknown as { locations?: number[] }).locations ?? [];
  for (let k = 0; k < locs.length; k += 4) {
    locations.set(locs[k] as number, `${(locs[k + 2] as number) + 1}:${(locs[k + 3] as number) + 1}`);
  }
  const scriptName = (closure: number): string => {
    const shared = follow(closure, 'shared');
    if (shared < 0) return '?';
    // The edge is `script` in Node 24 (V8 13), `script_or_debug_info` in older versions.
    let script = follow(shared, 'script');
    if (script < 0) script = follow(shared, 'script_or_debug_info');
    const name = script < 0 ? '?' : (snap.strings[snap.nodes[script + nameAt] as number] ?? '?');
    return name.replace(/^.*\/(src|bench)\//, '$1/');
  };
  const rows = new Map<string, Row>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt] as number] ?? '?';
    const size = snap.nodes[i + sizeAt] as number;
    let name = snap.strings[snap.nodes[i + nameAt] as number] ?? '';
    // Strings and numbers are grouped by kind, not by content.
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') name = '';
    if (type === 'number' || type === 'heap number') name = '';
    if (type === 'closure') name = `${name || '(anonymous)'} ${scriptName(i)}:${locations.get(i) ?? '?'}`;
    if (name.length > 70) name = `${name.slice(0, 67)}...`;
    const key = `${type}:${name}`;
    const row = rows.get(key) ?? { count: 0, bytes: 0 };
    row.count++;
    row.bytes += size;
    rows.set(key, row);
  }
  return rows;
}

async function snapshotWith(policy: CallPolicy, label: string): Promise<string> {
  const pending = startPendingCalls(policy, ctx, n);
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setImmediate(r));
  }
  const file = writeHeapSnapshot(join(tmpdir(), `reelay-heap-${label}-${process.pid}.heapsnapshot`));
  pending.release();
  await Promise.all(pending.calls);
  return file;
}

// Warm up so that code, maps and feedback vectors are in both snapshots.
for (const policy of [pipelines['pass-through'], pipelines['whole pipeline']]) {
  const warm = startPendingCalls(policy, ctx, 1000);
  warm.release();
  await Promise.all(warm.calls);
}
const baseFile = await snapshotWith(pipelines['pass-through'], 'harness');
const pipeFile = await snapshotWith(pipelines['whole pipeline'], 'pipeline');
if (gateway.getActiveOperations().length !== 0) throw new Error('calls still monitored after release');
const base = summarise(baseFile);
const pipe = summarise(pipeFile);
rmSync(baseFile);
rmSync(pipeFile);

const diff: Array<{ key: string; perCall: number; bytesPerCall: number }> = [];
for (const key of new Set([...base.keys(), ...pipe.keys()])) {
  const a = base.get(key) ?? { count: 0, bytes: 0 };
  const b = pipe.get(key) ?? { count: 0, bytes: 0 };
  const bytes = (b.bytes - a.bytes) / n;
  if (Math.abs(bytes) >= 1) diff.push({ key, perCall: (b.count - a.count) / n, bytesPerCall: bytes });
}
diff.sort((x, y) => y.bytesPerCall - x.bytesPerCall);
const total = diff.reduce((s, d) => s + d.bytesPerCall, 0);
console.table(
  diff.map((d) => ({
    'type:constructor': d.key,
    'objects/call': Number(d.perCall.toFixed(2)),
    'bytes/call': Math.round(d.bytesPerCall),
  })),
);
console.log(`net bytes per pending call (self sizes, ≥ 1 B rows): ${total.toFixed(0)} over ${n} calls`);
