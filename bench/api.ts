/**
 * API benchmark: the Fastify server on 127.0.0.1 over the in-memory fake service, with jobs
 * producing progress events continuously (this process), driven by a load process (a fork of
 * this file, so client and server each get a core):
 *   - `GET /api/video/{id}/status`: 5 000 requests, 20 concurrent (node:http, keep-alive) → p50/p99;
 *   - 200 concurrent SSE streams through the client SDK (10 per job) → delivery lag (event
 *     timestamp → SDK listener) p50/p99.
 * Goal: status p99 ≤ 20 ms and SSE lag p99 ≤ 50 ms on 2 cores. Loopback only, bounded in count
 * and time (aborts after 60 s). Writes bench/results/api.json.
 *
 * Run: `npx tsx bench/api.ts [--requests N] [--streams N]`
 */
import { type ChildProcess, fork } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ReelayClient } from '../src/client/reelay-client.js';
import { createServer } from '../src/server/create-server.js';
import { FakeReelayService } from '../test/support/fake-reelay-service.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i === -1 ? Number.NaN : Number(process.argv[i + 1]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const REQUESTS = arg('requests', 5_000);
const CONCURRENCY = 20;
const STREAMS = arg('streams', 200);
const JOBS = 20;
const EVENT_INTERVAL_MS = 50;
const DEADLINE_MS = 60_000;
const GOAL_STATUS_P99_MS = 20;
const GOAL_LAG_P99_MS = 50;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}
const round = (n: number): number => Math.round(n * 100) / 100;

/** Messages between the server process and the load process. */
type LoadMessage =
  | { kind: 'open' }
  | { kind: 'load-done'; latencies: number[]; elapsedMs: number }
  | { kind: 'streams-done'; lags: number[] };
interface LoadPlan {
  baseUrl: string;
  jobIds: string[];
  lastIds: number[];
}

function getStatus(agent: Agent, baseUrl: string, jobId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}/api/video/${jobId}/status`, { agent }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The load process: SSE streams through the SDK, then the status load. */
async function load(plan: LoadPlan): Promise<void> {
  const send = (m: LoadMessage): void => void process.send?.(m);
  const deadline = AbortSignal.timeout(DEADLINE_MS);
  setMaxListeners(STREAMS + 10, deadline);
  const client = new ReelayClient({ baseUrl: plan.baseUrl, retries: 0 });
  const lags: number[] = [];
  let opened = 0;
  const streams = Array.from({ length: STREAMS }, (_, i) =>
    client.streamProgress(plan.jobIds[i % JOBS] ?? '', {
      lastEventId: plan.lastIds[i % JOBS] ?? 0,
      signal: deadline,
      onConnectionState: (state) => {
        if (state === 'open' && ++opened === STREAMS) send({ kind: 'open' });
      },
      onEvent: (event) => {
        if (event.type === 'progress') lags.push(Date.now() - Date.parse(event.timestamp));
      },
    }),
  );
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        const jobId = plan.jobIds[next % JOBS] ?? '';
        next += 1;
        const t0 = performance.now();
        await getStatus(agent, plan.baseUrl, jobId);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  agent.destroy();
  send({ kind: 'load-done', latencies, elapsedMs: performance.now() - started });
  await Promise.all(streams);
  send({ kind: 'streams-done', lags });
  process.disconnect?.();
}

function waitFor<K extends LoadMessage['kind']>(
  child: ChildProcess,
  kind: K,
): Promise<Extract<LoadMessage, { kind: K }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${kind} within ${DEADLINE_MS} ms`)), DEADLINE_MS);
    const onMessage = (m: LoadMessage): void => {
      if (m.kind !== kind) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m as Extract<LoadMessage, { kind: K }>);
    };
    child.on('message', onMessage);
  });
}

/** The server process: server, jobs, event producer; forks the load process. */
async function main(): Promise<void> {
  const loadBefore = loadavg()[0] ?? 0;
  const service = new FakeReelayService();
  const app = createServer({ service, config: { generateRatePerMinute: 10_000 } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const jobIds: string[] = [];
  const lastIds: number[] = [];
  for (let i = 0; i < JOBS; i++) {
    const job = await service.submit({ brief: `Benchmark job number ${i} about rivers and tides` });
    await service.start(job.id);
    jobIds.push(job.id);
    lastIds.push(await service.events.lastId(job.id));
  }
  const plan: LoadPlan = { baseUrl, jobIds, lastIds };
  const child = fork(
    fileURLToPath(import.meta.url),
    ['--load', JSON.stringify(plan), ...process.argv.slice(2)],
    {
      execArgv: process.execArgv,
    },
  );
  await waitFor(child, 'open');

  // Every job emits a progress event every EVENT_INTERVAL_MS.
  let tick = 0;
  const producer = setInterval(() => {
    tick += 1;
    for (const jobId of jobIds)
      void service.progress(jobId, Math.min(99, tick / 10), 'narration', `tick ${tick}`);
  }, EVENT_INTERVAL_MS);
  const loadDone = waitFor(child, 'load-done');
  child.send('go');
  const { latencies, elapsedMs } = await loadDone;
  // Keep events flowing a little after the load so the lag sample also covers a quiet period.
  await new Promise((r) => setTimeout(r, 1_000));
  clearInterval(producer);
  const streamsDone = waitFor(child, 'streams-done');
  for (const jobId of jobIds) await service.cancel(jobId, 'benchmark finished');
  const { lags } = await streamsDone;
  await app.close();

  latencies.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    loadAverage1mBefore: round(loadBefore),
    loadAverage1mAfter: round(loadavg()[0] ?? 0),
    note: 'server + event producer in one process, load (node:http status client, SDK SSE clients) in another',
    status: {
      requests: latencies.length,
      concurrency: CONCURRENCY,
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
      maxMs: round(latencies.at(-1) ?? Number.NaN),
      requestsPerSecond: Math.round((latencies.length / elapsedMs) * 1000),
    },
    sse: {
      streams: STREAMS,
      jobs: JOBS,
      eventIntervalMs: EVENT_INTERVAL_MS,
      eventsReceived: lags.length,
      lagP50Ms: round(percentile(lags, 50)),
      lagP99Ms: round(percentile(lags, 99)),
      lagMaxMs: round(lags.at(-1) ?? Number.NaN),
    },
    goals: { statusP99Ms: GOAL_STATUS_P99_MS, sseLagP99Ms: GOAL_LAG_P99_MS },
    pass: percentile(latencies, 99) <= GOAL_STATUS_P99_MS && percentile(lags, 99) <= GOAL_LAG_P99_MS,
  };
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'api.json');
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  console.table({
    'status p50 ms': result.status.p50Ms,
    'status p99 ms': result.status.p99Ms,
    'status req/s': result.status.requestsPerSecond,
    'SSE lag p50 ms': result.sse.lagP50Ms,
    'SSE lag p99 ms': result.sse.lagP99Ms,
    'SSE events': result.sse.eventsReceived,
    pass: String(result.pass),
  });
  console.log(`wrote ${out}`);
}

const loadIndex = process.argv.indexOf('--load');
const run = loadIndex === -1 ? main() : load(JSON.parse(process.argv[loadIndex + 1] ?? '{}') as LoadPlan);
run.catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
