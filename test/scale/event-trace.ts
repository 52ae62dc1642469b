/**
 * Bench-only tracing of a process's event path (`SCALE_TRACE=<dir>`): when each durable append of
 * the job events started and ended (and how many events it held), how long each child-process
 * spawn held the event loop, and every event-loop stall over 5 ms (a 5 ms interval timer that
 * fired late). Kept in memory and written as one JSON file at the end, so tracing does not add
 * writes to the loop it measures.
 */

import { writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ReelayEvent, StoredEvent } from '../../src/domain/events.js';
import type { EventLog } from '../../src/state/event-log.js';

/** Wall-clock milliseconds with sub-millisecond precision (comparable across processes). */
export const nowMs = (): number => performance.timeOrigin + performance.now();

/** One durable append as seen by the process making it. */
export interface AppendTrace {
  jobId: string;
  ids: number[];
  start: number;
  end: number;
}

/** Everything one process traced. */
export interface ProcessTrace {
  name: string;
  appends: AppendTrace[];
  spawns: Array<{ cmd: string; at: number; ms: number }>;
  /** Loop stalls; `cpu`: CPU time the process used meanwhile (≈ ms: busy; ≪ ms: waiting or descheduled). */
  stalls: Array<{ at: number; ms: number; cpu: number }>;
  /** SQLite statements run outside a transaction that took over 2 ms (each its own commit). */
  slowStatements: Array<{ sql: string; at: number; ms: number }>;
  loopDelayMs: { p50: number; p99: number; max: number };
  /** Resident memory (MB) when the trace was written, and the most seen at any spawn. */
  rssMb: { end: number; maxAtSpawn: number };
}

/**
 * Starts tracing this process: wraps `durable.appendMany` (the durable log under the Redis stream
 * copy) and `child_process.spawn`, and samples the event loop. Returns a function that writes the
 * trace to `<dir>/<name>.json`.
 */
export function startEventTrace(dir: string, name: string, durable: EventLog | undefined): () => void {
  const trace: ProcessTrace = {
    name,
    appends: [],
    spawns: [],
    stalls: [],
    slowStatements: [],
    loopDelayMs: { p50: 0, p99: 0, max: 0 },
    rssMb: { end: 0, maxAtSpawn: 0 },
  };
  if (durable?.appendMany) {
    const inner = durable.appendMany.bind(durable);
    durable.appendMany = async (events: readonly ReelayEvent[]): Promise<StoredEvent[]> => {
      const start = nowMs();
      const stored = await inner(events);
      trace.appends.push({
        jobId: events[0]?.jobId ?? '',
        ids: stored.map((e) => e.id),
        start,
        end: nowMs(),
      });
      return stored;
    };
  }
  traceStatements(durable, trace);
  const cp = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
  const spawn = cp.spawn;
  cp.spawn = ((...args: Parameters<typeof spawn>) => {
    const at = nowMs();
    const child = spawn(...args);
    trace.spawns.push({ cmd: String(args[0]), at, ms: nowMs() - at });
    trace.rssMb.maxAtSpawn = Math.max(trace.rssMb.maxAtSpawn, Math.round(process.memoryUsage.rss() / 1e6));
    return child;
  }) as typeof spawn;
  syncBuiltinESMExports();
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  let expected = nowMs() + 5;
  let cpu = process.cpuUsage();
  const sampler = setInterval(() => {
    const now = nowMs();
    const used = process.cpuUsage(cpu);
    if (now - expected > 5)
      trace.stalls.push({ at: expected, ms: now - expected, cpu: (used.user + used.system) / 1000 });
    cpu = process.cpuUsage();
    expected = now + 5;
  }, 5);
  sampler.unref();
  return () => {
    clearInterval(sampler);
    histogram.disable();
    trace.loopDelayMs = {
      p50: histogram.percentile(50) / 1e6,
      p99: histogram.percentile(99) / 1e6,
      max: histogram.max / 1e6,
    };
    trace.rssMb.end = Math.round(process.memoryUsage.rss() / 1e6);
    writeFileSync(`${dir}/${name}.json`, JSON.stringify(trace));
  };
}

/** Times every SQLite statement `run` of the durable log's database (when it is SQLite). */
function traceStatements(durable: EventLog | undefined, trace: ProcessTrace): void {
  const db = (durable as unknown as { db?: { prepare?: (sql: string) => object } } | undefined)?.db;
  if (typeof db?.prepare !== 'function') return;
  const prepare = db.prepare.bind(db);
  db.prepare = (sql: string) => Object.assign(prepare(sql), { traceSql: sql });
  const proto = Object.getPrototypeOf(db.prepare('SELECT 1')) as { run: (...a: unknown[]) => unknown };
  const run = proto.run;
  proto.run = function (this: { traceSql?: string }, ...args: unknown[]) {
    const at = nowMs();
    const out = run.apply(this, args);
    const ms = nowMs() - at;
    if (ms > 2) trace.slowStatements.push({ sql: String(this.traceSql ?? '').slice(0, 60), at, ms });
    return out;
  };
}
