/**
 * By-stage breakdown of live-event lag for bench/scale.ts under `SCALE_TRACE`: joins the workers'
 * traces (durable append start/end per event, loop stalls, spawns), the Redis stream entry ids
 * (Redis' clock when the `XADD` ran, ms) and the receive times on the other API instance.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { ProcessTrace } from '../../test/scale/event-trace.js';

/** One live event as received on the other instance. */
export interface Received {
  jobId: string;
  id: number;
  type: string;
  emitted: number;
  received: number;
}

const pct = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const v = sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
  return Math.round(v * 10) / 10;
};
const stats = (values: number[]) => ({
  n: values.length,
  p50: pct(values, 50),
  p90: pct(values, 90),
  p99: pct(values, 99),
  max: pct(values, 100),
});

/**
 * Reads every `<dir>/*.json` trace, joins with `received` and `redisMs` (key `jobId:id` → the ms of
 * the stream entry id), and returns per-stage percentiles plus the slowest events in detail.
 */
export function traceReport(
  dir: string,
  received: Received[],
  redisMs: Map<string, number>,
): Record<string, unknown> {
  const traces = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')) as ProcessTrace);
  const appendOf = new Map<string, { start: number; end: number; n: number; worker: string }>();
  for (const t of traces)
    for (const a of t.appends)
      for (const id of a.ids)
        appendOf.set(`${a.jobId}:${id}`, { start: a.start, end: a.end, n: a.ids.length, worker: t.name });
  const rows = received.flatMap((r) => {
    const a = appendOf.get(`${r.jobId}:${r.id}`);
    const redis = redisMs.get(`${r.jobId}:${r.id}`);
    if (!a || redis === undefined) return [];
    return [
      {
        ...r,
        worker: a.worker,
        batch: a.n,
        queue: a.start - r.emitted,
        commit: a.end - a.start,
        toRedis: redis - a.end,
        fromRedis: r.received - redis,
        total: r.received - r.emitted,
      },
    ];
  });
  const stallsIn = (worker: string, from: number, to: number) =>
    traces
      .find((t) => t.name === worker)
      ?.stalls.filter((s) => s.at < to && s.at + s.ms > from - 5)
      .map((s) => `${Math.round(s.ms)}ms cpu ${Math.round(s.cpu)}`) ?? [];
  const spawnsIn = (worker: string, from: number, to: number) =>
    traces
      .find((t) => t.name === worker)
      ?.spawns.filter((s) => s.at < to && s.at + s.ms > from - 50)
      .map((s) => `${s.cmd.split('/').at(-1)} ${Math.round(s.ms)}ms`) ?? [];
  const slowest = [...rows]
    .sort((x, y) => y.total - x.total)
    .slice(0, Math.max(3, Math.ceil(rows.length / 100)))
    .map((r) => ({
      type: r.type,
      total: Math.round(r.total),
      queue: Math.round(r.queue),
      commit: Math.round(r.commit),
      toRedis: Math.round(r.toRedis),
      fromRedis: Math.round(r.fromRedis),
      batch: r.batch,
      workerStalls: stallsIn(r.worker, r.emitted, r.received),
      spawnsNear: spawnsIn(r.worker, r.emitted, r.received),
      statementsNear: traces
        .find((t) => t.name === r.worker)
        ?.slowStatements.filter((s) => s.at < r.received && s.at + s.ms > r.emitted - 5)
        .map((s) => `${s.sql.slice(0, 30)} ${Math.round(s.ms)}ms`),
    }));
  const workers = traces.filter((t) => t.name.startsWith('worker'));
  const allAppends = workers.flatMap((t) => t.appends.map((a) => a.end - a.start));
  return {
    joined: rows.length,
    of: received.length,
    stagesMs: {
      total: stats(rows.map((r) => r.total)),
      emitToAppendStart: stats(rows.map((r) => r.queue)),
      durableAppend: stats(rows.map((r) => r.commit)),
      commitToRedisXadd: stats(rows.map((r) => r.toRedis)),
      redisXaddToReceived: stats(rows.map((r) => r.fromRedis)),
    },
    workerAppendsMs: stats(allAppends),
    workerSpawnsMs: stats(workers.flatMap((t) => t.spawns.map((s) => s.ms))),
    workerStallsOver5Ms: stats(workers.flatMap((t) => t.stalls.map((s) => s.ms))),
    workerStallCpuShare: (() => {
      const st = workers.flatMap((t) => t.stalls.filter((s) => s.ms > 20));
      const wall = st.reduce((sum, s) => sum + s.ms, 0);
      return {
        stallsOver20Ms: st.length,
        wallMs: Math.round(wall),
        cpuMs: Math.round(st.reduce((sum, s) => sum + s.cpu, 0)),
      };
    })(),
    slowStatements: (() => {
      const by = new Map<string, number[]>();
      for (const t of workers)
        for (const s of t.slowStatements) by.set(s.sql, [...(by.get(s.sql) ?? []), s.ms]);
      return [...by].map(([sql, ms]) => ({ sql, ...stats(ms) }));
    })(),
    loopDelay: traces.map((t) => ({ name: t.name, ...t.loopDelayMs, rssMb: t.rssMb })),
    slowest,
  };
}
