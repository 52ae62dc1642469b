/**
 * Memory diagnostics for the soak's server process, on only when `REELAY_SOAK_DIAG` names a
 * directory: every 10 s one JSON line of `process.memoryUsage()` (rss, heapTotal, heapUsed,
 * external, arrayBuffers) plus the native remainder (rss − heapTotal − external) is appended to
 * `<dir>/memory.ndjson`, and each SIGUSR2 writes a heap snapshot `<dir>/heap-<seconds>s.heapsnapshot`.
 * Each line also has V8's space sizes (see {@link heapSpaces}) and splits the resident memory by
 * mapping (see {@link mappings}).
 * Bench-harness only: no route, nothing public.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapSpaceStatistics, getHeapStatistics, writeHeapSnapshot } from 'node:v8';

/** Starts the sampler and the SIGUSR2 snapshot handler when `dir` is set; returns a stop function. */
export function startSoakDiag(dir: string | undefined): () => void {
  if (!dir) return () => undefined;
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const file = join(dir, 'memory.ndjson');
  const write = (): void => {
    const m = process.memoryUsage();
    const line = {
      s: Math.round((Date.now() - started) / 1000),
      rss: m.rss,
      heapTotal: m.heapTotal,
      heapUsed: m.heapUsed,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
      native: m.rss - m.heapTotal - m.external,
      ...heapSpaces(),
      ...mappings(),
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  };
  write();
  const timer = setInterval(write, 10_000);
  timer.unref();
  const onSignal = (): void => {
    const s = Math.round((Date.now() - started) / 1000);
    writeHeapSnapshot(join(dir, `heap-${s}s.heapsnapshot`));
    write();
  };
  process.on('SIGUSR2', onSignal);
  return () => {
    clearInterval(timer);
    process.off('SIGUSR2', onSignal);
  };
}

/**
 * V8's own split: the young generation (`newSpace`: both semi-spaces, its capacity), the old
 * generation, code and large objects (reserved sizes), the heap's resident size
 * (`heapPhysical`) and what V8 itself mallocs (`v8Malloced`).
 */
function heapSpaces(): Record<string, number> {
  const size = (name: string): number =>
    getHeapSpaceStatistics().find((s) => s.space_name === name)?.space_size ?? 0;
  const h = getHeapStatistics();
  return {
    newSpace: size('new_space'),
    oldSpace: size('old_space'),
    codeSpace: size('code_space'),
    largeObjects: size('large_object_space') + size('new_large_object_space'),
    heapPhysical: h.total_physical_size,
    v8Malloced: h.malloced_memory,
  };
}

/**
 * Resident bytes of `[heap]` (glibc's main malloc arena, grown with brk), of anonymous mappings
 * aligned on 64 MiB (glibc's per-thread arenas, roughly), of other anonymous mappings (V8's heap
 * pages, large mmap'd mallocs) and of file mappings (the node binary, shared libraries).
 */
function mappings(): Record<string, number> {
  const out = { mainArena: 0, threadArenas: 0, otherAnon: 0, files: 0 };
  let key: keyof typeof out = 'files';
  try {
    for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
      const head = /^([0-9a-f]+)-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
      if (head) {
        const name = head[2] ?? '';
        const aligned = Number.parseInt(head[1] ?? '0', 16) % (64 * 1024 * 1024) === 0;
        key =
          name === '[heap]' ? 'mainArena' : name === '' ? (aligned ? 'threadArenas' : 'otherAnon') : 'files';
      } else if (line.startsWith('Rss:')) {
        out[key] += Number(line.split(/\s+/)[1]) * 1024;
      }
    }
  } catch {
    // No /proc (not Linux): the split stays 0.
  }
  return out;
}
