/**
 * Groups the nodes of a V8 heap snapshot (the `.heapsnapshot` JSON) by node type and constructor
 * name, with counts and total self sizes: what bench/lib/heap-summary.ts prints and diffs.
 */
/** The parts of a `.heapsnapshot` file that grouping reads. */
export interface HeapSnapshotJson {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Count and total self size per `type:name` group. */
export type HeapGroups = Map<string, { count: number; size: number }>;

/** Groups a parsed heap snapshot's nodes by node type and constructor (or string kind) name. */
export function groupHeap(snap: HeapSnapshotJson, byStringPrefix = false): HeapGroups {
  const fields = snap.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const types = snap.snapshot.meta.node_types[0];
  const groups: HeapGroups = new Map();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt] as number] ?? '?';
    const rawName = snap.strings[snap.nodes[i + nameAt] as number] ?? '?';
    // Strings and numbers are named by their content: group them by type alone.
    const textual =
      type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'number';
    const name = textual
      ? byStringPrefix
        ? rawName.slice(0, 40).replace(/\s+/g, ' ')
        : ''
      : rawName.slice(0, 80);
    const key = `${type}:${name}`;
    const g = groups.get(key) ?? { count: 0, size: 0 };
    g.count++;
    g.size += snap.nodes[i + sizeAt] as number;
    groups.set(key, g);
  }
  return groups;
}
