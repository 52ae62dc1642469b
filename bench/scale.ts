/**
 * Scale-out on Redis: jobs per minute with 1 and 2 worker processes, kill → resume time over
 * `SCALE_ROUNDS` (default 20) `kill -9` rounds, and the lag of live events across API instances.
 * Two API instances run in this process, workers in child processes, all on one shared data
 * directory and one Redis key prefix. Writes bench/results/scale.json.
 * Usage: npx tsx bench/scale.ts   (REDIS_URL, default redis://127.0.0.1:6379; SCALE_JOBS, SCALE_ROUNDS;
 * REELAY_MEDIA_NICE, REELAY_SQLITE_SYNC, REELAY_PG_EVENT_COMMIT and REELAY_EVENT_WRITER reach every instance, for A/B runs; SCALE_DATABASE_URL puts
 * every instance on that PostgreSQL database instead of the shared SQLite file)
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { StoredEvent } from '../src/domain/events.js';
import { RedisKeys } from '../src/state/redis/redis-keys.js';
import { nowMs, startEventTrace } from '../test/scale/event-trace.js';
import { killAndResume } from '../test/scale/kill-resume.js';
import { collectUntilEnd, startInstance } from '../test/scale/scale-harness.js';
import { startWorkerProcess, type WorkerProcess } from '../test/scale/worker-cluster.js';
import { removeDir, smallRequest, tempDir } from '../test/support/pipeline-harness.js';
import { connectRedis, dropKeys } from '../test/support/redis-harness.js';
import { type Received, traceReport } from './lib/scale-trace-report.js';

const JOBS = Number(process.env.SCALE_JOBS ?? 4);
const ROUNDS = Number(process.env.SCALE_ROUNDS ?? 20);
// SCALE_OUT: another result file, e.g. for a short run of the throughput and SSE-lag part only.
const OUT = process.env.SCALE_OUT ?? fileURLToPath(new URL('./results/scale.json', import.meta.url));

const pct = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const round1 = (x: number): number => Math.round(x * 10) / 10;

const dir = await tempDir('reelay-bench-scale-');
const prefix = `reelay-bench:${process.pid}:${randomUUID().slice(0, 8)}:`;
const apiA = await startInstance(dir, prefix, false);
const apiB = await startInstance(dir, prefix, false);
const lags: number[] = [];
/** Every lag sample with its event's id and type, for SCALE_SAMPLES_OUT. */
const lagEvents: Array<{ id: number; type: string; lag: number }> = [];
/** Baseline of the same run: Redis PING round trips from this process while jobs run. */
const pings: number[] = [];
// SCALE_TRACE=<dir>: by-stage trace (workers' durable appends, loop stalls, spawns; Redis entry
// times; receive times on B), reported as `stages` in the result.
const TRACE = process.env.SCALE_TRACE;
const received: Received[] = [];
const redisMs = new Map<string, number>();
const writeBenchTrace = TRACE ? startEventTrace(TRACE, 'bench', undefined) : undefined;

/** Submits `JOBS` jobs on A, follows them on B, returns jobs per minute. */
async function throughput(): Promise<number> {
  const started = Date.now();
  const jobs = await Promise.all(Array.from({ length: JOBS }, () => apiA.service.submit(smallRequest())));
  const pinger = await connectRedis();
  let pinging = true;
  const pingLoop = (async () => {
    while (pinging) {
      const t0 = performance.now();
      await pinger.ping();
      pings.push(performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  await Promise.all(
    jobs.map(async (job) => {
      // Live lag of every event: written by the worker process, received on instance B. Events
      // created before the subscription are a replay, not live delivery: not counted.
      const since = Date.now();
      const watch = apiB.service.subscribe(
        job.id,
        (event) => {
          const created = Date.parse(event.timestamp);
          if (created < since) return;
          const lag = Date.now() - created;
          lags.push(lag);
          lagEvents.push({ id: event.id, type: event.type, lag });
          if (TRACE)
            received.push({
              jobId: job.id,
              id: event.id,
              type: event.type,
              emitted: created,
              received: nowMs(),
            });
        },
        {
          afterId: 0,
        },
      );
      const events: StoredEvent[] = await collectUntilEnd(apiB.service, job.id, 0, 600_000);
      watch.dispose();
      const done = events.at(-1);
      if (done?.type !== 'done') throw new Error(`job ${job.id} ended with ${done?.type}`);
      if (TRACE) {
        const entries = await pinger.xrange(new RedisKeys(prefix).jobEvents(job.id), '-', '+');
        for (const [entryId, fields] of entries)
          redisMs.set(`${job.id}:${fields[fields.indexOf('id') + 1]}`, Number(entryId.split('-')[0]));
      }
    }),
  );
  pinging = false;
  await pingLoop;
  pinger.disconnect();
  return (JOBS * 60_000) / (Date.now() - started);
}

let workers: WorkerProcess[] = [];
const result: Record<string, unknown> = {
  cpus: cpus().length,
  jobsPerRun: JOBS,
  workerConcurrency: 1,
  mediaNiceness: Number(process.env.REELAY_MEDIA_NICE ?? 10),
  sqliteSynchronous: process.env.REELAY_SQLITE_SYNC ?? 'normal',
  postgresEventCommit: process.env.REELAY_PG_EVENT_COMMIT ?? 'sync',
  eventWriter: process.env.SCALE_DATABASE_URL ? (process.env.REELAY_EVENT_WRITER ?? 'thread') : 'main',
  durableStore: process.env.SCALE_DATABASE_URL ? 'postgresql' : 'sqlite',
  loadAverage1mAtStart: loadavg()[0],
};
try {
  workers.push(await startWorkerProcess('w1', dir, prefix, 1, 3_600_000));
  result.jobsPerMinute1Worker = round1(await throughput());
  workers.push(await startWorkerProcess('w2', dir, prefix, 1, 3_600_000));
  result.jobsPerMinute2Workers = round1(await throughput());
  result.sseLagAcrossInstancesMs = {
    samples: lags.length,
    p50: pct(lags, 50),
    p99: pct(lags, 99),
    max: Math.max(...lags),
    baselineRedisPingMs: { samples: pings.length, p50: round1(pct(pings, 50)), p99: round1(pct(pings, 99)) },
    p99OverPingP99: round1(pct(lags, 99) / pct(pings, 99)),
    loadAverage1mAfterThroughput: loadavg()[0],
  };
  process.stdout.write(`throughput: ${JSON.stringify(result)}\n`);

  const resumes: number[] = [];
  let contiguous = 0;
  let doneOnce = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    const r = await killAndResume(apiA, apiB, workers, 300_000);
    resumes.push(r.resumeMs);
    const ids = r.events.map((e) => e.id);
    if (ids.every((id, i) => id === i + 1)) contiguous += 1;
    const stored = await apiA.service.readEvents(r.jobId, 0);
    const job = await apiA.service.getJob(r.jobId);
    if (job?.status === 'done' && stored.filter((e) => e.type === 'done').length === 1) doneOnce += 1;
    process.stdout.write(`round ${round + 1}: resumed in ${r.resumeMs} ms, ${ids.length} events\n`);
    // Partial results after every round, so that an interrupted run still leaves its figures.
    writeFileSync(
      OUT,
      `${JSON.stringify({ ...result, partial: true, roundsSoFar: round + 1, resumes }, null, 2)}\n`,
    );
    workers = [
      ...workers.filter((w) => w !== r.killed),
      await startWorkerProcess(`w${round + 3}`, dir, prefix, 1, 3_600_000),
    ];
  }
  Object.assign(result, {
    killRounds: ROUNDS,
    killResumeMs: { p50: pct(resumes, 50), p95: pct(resumes, 95), max: Math.max(...resumes) },
    roundsCompletedExactlyOnce: doneOnce,
    roundsWithContiguousSseAcrossInstances: contiguous,
    note: 'render concurrency: segments 2, visuals 2 (defaults); one job at a time per worker; 2 shared cores',
    measuredAt: new Date().toISOString(),
    loadAverage1m: loadavg()[0],
  });
} finally {
  await Promise.all(workers.map((w) => w.stop()));
  await apiA.close();
  await apiB.close();
  const redis = await connectRedis();
  await dropKeys(redis, new RedisKeys(prefix));
  await dropKeys(redis, new RedisKeys(`bull:${new RedisKeys(prefix).jobQueue()}:`));
  redis.disconnect();
  await removeDir(dir);
}
if (TRACE) {
  writeBenchTrace?.();
  result.stages = traceReport(TRACE, received, redisMs);
}
writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
// SCALE_SAMPLES_OUT: every lag (also with its event id and type) and PING sample, to pool
// interleaved A/B runs.
if (process.env.SCALE_SAMPLES_OUT)
  writeFileSync(process.env.SCALE_SAMPLES_OUT, JSON.stringify({ lags, pings, lagEvents }));
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
process.exit(0);
