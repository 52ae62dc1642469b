/**
 * API benchmark: the Fastify server on 127.0.0.1 over the in-memory fake service, with 20 jobs
 * producing progress events every 50 ms AND a real FFmpeg render running continuously in the same
 * process (the composer, 1280×720 with motion — "with jobs rendering"), driven by two client
 * processes (forks of this file) so client-side work does not pollute the other measurement:
 *   - status client: `GET /api/video/{id}/status` at a fixed arrival rate (default 400 req/s for
 *     10 s; latency measured from the scheduled send time, so queueing counts), then a saturation
 *     phase (20 concurrent, closed loop) for throughput;
 *   - SSE client: 200 concurrent streams through the client SDK (10 per job) → delivery lag
 *     (event timestamp → SDK listener) p50/p99.
 * Goal: status p99 ≤ 20 ms (fixed rate) and SSE lag p99 ≤ 50 ms on 2 cores with jobs rendering.
 * Loopback only, bounded in count and time. Writes bench/results/api.json.
 *
 * Run: `npx tsx bench/api.ts [--rate N] [--seconds N] [--streams N] [--no-render] [--nice N]`
 */
import { type ChildProcess, fork } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ReelayClient } from '../src/client/reelay-client.js';
import type { RenderScene } from '../src/domain/provider.js';
import { runFfmpeg } from '../src/providers/media/ffmpeg-process.js';
import { FfmpegComposer } from '../src/providers/video/ffmpeg-composer.js';
import { createServer } from '../src/server/create-server.js';
import { FakeReelayService } from '../test/support/fake-reelay-service.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i === -1 ? Number.NaN : Number(process.argv[i + 1]);
  return Number.isFinite(v) && v >= 0 ? v : fallback;
};
const RATE = arg('rate', 400);
const SECONDS = arg('seconds', 10);
const SATURATION_REQUESTS = 3_000;
const CONCURRENCY = 20;
const STREAMS = arg('streams', 200);
const RENDER = !process.argv.includes('--no-render');
const NICE = arg('nice', 10);
const JOBS = 20;
const EVENT_INTERVAL_MS = 50;
const DEADLINE_MS = 120_000;
const GOAL_STATUS_P99_MS = 20;
const GOAL_LAG_P99_MS = 50;

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
const round = (n: number): number => Math.round(n * 100) / 100;
const summary = (values: number[]) => {
  values.sort((a, b) => a - b);
  return {
    count: values.length,
    p50Ms: round(percentile(values, 50)),
    p99Ms: round(percentile(values, 99)),
    maxMs: round(values.at(-1) ?? Number.NaN),
  };
};

type LoadMessage =
  | { kind: 'open' }
  | { kind: 'status-done'; fixed: number[]; saturation: number[]; saturationMs: number }
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

/** Status client: a fixed arrival rate (open loop), then a closed-loop saturation phase. */
async function statusClient(plan: LoadPlan): Promise<void> {
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const fixed: number[] = [];
  const total = Math.round(RATE * SECONDS);
  const start = performance.now();
  const pending: Promise<void>[] = [];
  let sent = 0;
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      const now = performance.now();
      while (sent < total && start + (sent * 1000) / RATE <= now) {
        const scheduled = start + (sent * 1000) / RATE;
        const jobId = plan.jobIds[sent % JOBS] ?? '';
        sent += 1;
        pending.push(
          getStatus(agent, plan.baseUrl, jobId).then(() => void fixed.push(performance.now() - scheduled)),
        );
      }
      if (sent < total) setTimeout(pump, 1);
      else resolve();
    };
    pump();
  });
  await Promise.all(pending);
  const saturation: number[] = [];
  let next = 0;
  const satStart = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < SATURATION_REQUESTS) {
        const jobId = plan.jobIds[next % JOBS] ?? '';
        next += 1;
        const t0 = performance.now();
        await getStatus(agent, plan.baseUrl, jobId);
        saturation.push(performance.now() - t0);
      }
    }),
  );
  const saturationMs = performance.now() - satStart;
  agent.destroy();
  process.send?.({ kind: 'status-done', fixed, saturation, saturationMs } satisfies LoadMessage);
  process.disconnect?.();
}

/** SSE client: STREAMS concurrent streams through the SDK. */
async function sseClient(plan: LoadPlan): Promise<void> {
  const deadline = AbortSignal.timeout(DEADLINE_MS);
  setMaxListeners(STREAMS * 2 + 10, deadline);
  const client = new ReelayClient({ baseUrl: plan.baseUrl, retries: 0 });
  const lags: number[] = [];
  let opened = 0;
  await Promise.all(
    Array.from({ length: STREAMS }, (_, i) =>
      client.streamProgress(plan.jobIds[i % JOBS] ?? '', {
        lastEventId: plan.lastIds[i % JOBS] ?? 0,
        signal: deadline,
        onConnectionState: (state) => {
          if (state === 'open' && ++opened === STREAMS)
            process.send?.({ kind: 'open' } satisfies LoadMessage);
        },
        onEvent: (event) => {
          if (event.type === 'progress') lags.push(Date.now() - Date.parse(event.timestamp));
        },
      }),
    ),
  );
  process.send?.({ kind: 'streams-done', lags } satisfies LoadMessage);
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

/** Renders a 3-scene 1280×720 video with motion, over and over, until `signal` aborts. */
async function renderContinuously(signal: AbortSignal): Promise<{ renders: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'reelay-bench-api-'));
  const scenes: RenderScene[] = [];
  for (let i = 0; i < 3; i++) {
    const imagePath = join(dir, `still-${i}.png`);
    const audioPath = join(dir, `tone-${i}.wav`);
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      `color=c=${['0x2a6f97', '0x3a7d44', '0x8e5572'][i]}:s=1280x720`,
      '-frames:v',
      '1',
      imagePath,
    ]);
    await runFfmpeg(['-f', 'lavfi', '-i', `sine=frequency=${300 + i * 80}:duration=4`, audioPath]);
    scenes.push({
      index: i,
      imagePath,
      audioPath,
      durationMs: 4000,
      narration: `Scene ${i + 1}`,
      title: `Scene ${i + 1}`,
    });
  }
  const composer = new FfmpegComposer({ niceness: NICE });
  let renders = 0;
  try {
    while (!signal.aborted) {
      const workDir = join(dir, `work-${renders}`);
      await composer.renderVideo(
        {
          scenes,
          width: 1280,
          height: 720,
          fps: 30,
          codec: 'h264',
          outPath: join(dir, `out-${renders}.mp4`),
          workDir,
          motion: true,
        },
        { signal, heartbeat: () => {} },
      );
      renders += 1;
      await rm(workDir, { recursive: true, force: true });
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { renders };
}

/** The server process: server, jobs, event producer, renderer; forks the two client processes. */
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
  const plan = JSON.stringify({ baseUrl, jobIds, lastIds } satisfies LoadPlan);
  const spawnRole = (role: string): ChildProcess =>
    fork(fileURLToPath(import.meta.url), ['--role', role, plan, ...process.argv.slice(2)], {
      execArgv: process.execArgv,
    });
  const sse = spawnRole('sse');
  await waitFor(sse, 'open');
  const status = spawnRole('status');

  let tick = 0;
  const producer = setInterval(() => {
    tick += 1;
    for (const jobId of jobIds)
      void service.progress(jobId, Math.min(99, tick / 10), 'narration', `tick ${tick}`);
  }, EVENT_INTERVAL_MS);
  const stopRender = new AbortController();
  const rendering = RENDER ? renderContinuously(stopRender.signal) : Promise.resolve({ renders: 0 });
  await new Promise((r) => setTimeout(r, RENDER ? 3_000 : 500)); // let FFmpeg reach full speed
  const statusDone = waitFor(status, 'status-done');
  status.send('go');
  const { fixed, saturation, saturationMs } = await statusDone;
  const loadDuring = loadavg()[0] ?? 0;
  await new Promise((r) => setTimeout(r, 1_000));
  clearInterval(producer);
  stopRender.abort();
  const { renders } = await rendering;
  const streamsDone = waitFor(sse, 'streams-done');
  for (const jobId of jobIds) await service.cancel(jobId, 'benchmark finished');
  const { lags } = await streamsDone;
  await app.close();

  const fixedSummary = summary(fixed);
  const lagSummary = summary(lags);
  const satSummary = summary(saturation);
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    loadAverage1m: { before: round(loadBefore), during: round(loadDuring) },
    setup:
      'server + fake service (20 jobs, an event each per 50 ms) + a continuous FFmpeg render in one process; status client and SSE client in two other processes',
    rendering: {
      enabled: RENDER,
      niceness: NICE,
      rendersCompleted: renders,
      video: '3 × 4 s, 1280×720@30, motion on',
    },
    status: {
      fixedRate: { ratePerSecond: RATE, seconds: SECONDS, ...fixedSummary },
      saturation: {
        concurrency: CONCURRENCY,
        ...satSummary,
        requestsPerSecond: Math.round((saturation.length / saturationMs) * 1000),
      },
    },
    sse: {
      streams: STREAMS,
      jobs: JOBS,
      eventIntervalMs: EVENT_INTERVAL_MS,
      events: lagSummary.count,
      ...lagSummary,
    },
    goals: { statusP99Ms: GOAL_STATUS_P99_MS, sseLagP99Ms: GOAL_LAG_P99_MS },
    pass: fixedSummary.p99Ms <= GOAL_STATUS_P99_MS && lagSummary.p99Ms <= GOAL_LAG_P99_MS,
  };
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'api.json');
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  console.table({
    [`status p50 ms @ ${RATE}/s`]: fixedSummary.p50Ms,
    [`status p99 ms @ ${RATE}/s`]: fixedSummary.p99Ms,
    'saturation req/s': result.status.saturation.requestsPerSecond,
    'saturation p99 ms': satSummary.p99Ms,
    'SSE lag p50 ms': lagSummary.p50Ms,
    'SSE lag p99 ms': lagSummary.p99Ms,
    'SSE events': lagSummary.count,
    'renders during run': renders,
    pass: String(result.pass),
  });
  console.log(`wrote ${out}`);
}

const roleIndex = process.argv.indexOf('--role');
const role = roleIndex === -1 ? undefined : process.argv[roleIndex + 1];
const planArg = roleIndex === -1 ? '{}' : (process.argv[roleIndex + 2] ?? '{}');
const run =
  role === 'status'
    ? statusClient(JSON.parse(planArg) as LoadPlan)
    : role === 'sse'
      ? sseClient(JSON.parse(planArg) as LoadPlan)
      : main();
run.catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
