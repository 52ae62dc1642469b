/**
 * Client overhead of the async-job loop (create + N polls + download) against the raw cost of
 * the same HTTP exchanges with the Runway protocol fixture. Run: `npx tsx bench/providers-image-video.ts`.
 * Writes bench/results/providers-image-video.json.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Clock, TimerHandle } from '../src/domain/clock.js';
import { runAsyncJob } from '../src/providers/async-job/run-async-job.js';
import type { HttpContext } from '../src/providers/http/http-context.js';
import { requestBinary } from '../src/providers/http/request-binary.js';
import { requestJson } from '../src/providers/http/request-json.js';
import { parseRunwayCreated, parseRunwayTask } from '../src/providers/video/runway-task.js';
import { RUNWAY_VERSION, startRunwayFixture } from '../test/fixtures/image-video/runway-fixture.js';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 40);
const RUNNING_POLLS = 6;

/** Zero-wait clock: a 0 ms sleep resumes on the next check phase, so only client work is timed. */
const immediateClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn) => setImmediate(fn) as unknown as TimerHandle,
  clearTimeout: (handle) => clearImmediate(handle as unknown as NodeJS.Immediate),
};

function stats(samples: number[]): { medianMs: number; p95Ms: number; meanMs: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? 0;
  const round = (n: number): number => Math.round(n * 1000) / 1000;
  return {
    medianMs: round(at(0.5)),
    p95Ms: round(at(0.95)),
    meanMs: round(samples.reduce((a, b) => a + b, 0) / samples.length),
  };
}

async function main(): Promise<void> {
  const fx = await startRunwayFixture();
  fx.scenario.runningPolls = RUNNING_POLLS;
  const dir = await mkdtemp(join(tmpdir(), 'reelay-bench-iv-'));
  const headers = { authorization: `Bearer ${fx.apiKey}`, 'x-runway-version': RUNWAY_VERSION };
  const body = { model: 'gen4_turbo', promptText: 'bench', ratio: '1280:720', duration: 5 };
  const http: HttpContext = { provider: 'Runway', secrets: [fx.apiKey], clock: immediateClock };

  // Raw: the same exchanges with bare fetch, no loop, no classification, download to memory + one write.
  async function raw(i: number): Promise<number> {
    const started = performance.now();
    const created = (await (
      await fetch(`${fx.url}/v1/image_to_video`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).json()) as { id: string };
    let url: string | undefined;
    while (url === undefined) {
      const task = (await (await fetch(`${fx.url}/v1/tasks/${created.id}`, { headers })).json()) as {
        output?: string[];
      };
      url = task.output?.[0];
    }
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    await writeFile(join(dir, `raw-${i}.mp4`), bytes);
    return performance.now() - started;
  }

  // Loop: runAsyncJob with the adapter's own request helpers and parsers.
  async function loop(i: number): Promise<{ ms: number; polls: number }> {
    const started = performance.now();
    const signal = new AbortController().signal;
    const result = await runAsyncJob({
      provider: 'Runway',
      outPath: join(dir, `loop-${i}.mp4`),
      signal,
      clock: immediateClock,
      pollIntervalMs: 0,
      heartbeat: () => {},
      create: async (s) =>
        parseRunwayCreated(
          (await requestJson(http, { url: `${fx.url}/v1/image_to_video`, json: body, headers, signal: s }))
            .body,
        ),
      poll: async (id, s) =>
        (await requestJson(http, { url: `${fx.url}/v1/tasks/${id}`, headers, signal: s }, parseRunwayTask))
          .body,
      download: async (url, out, s) => {
        await requestBinary(http, { url, signal: s }, { outPath: out });
      },
    });
    return { ms: performance.now() - started, polls: result.polls };
  }

  for (let i = 0; i < 5; i += 1) {
    await raw(-1 - i);
    await loop(-1 - i);
  }
  const rawSamples: number[] = [];
  const loopSamples: number[] = [];
  let polls = 0;
  for (let i = 0; i < ITERATIONS; i += 1) {
    rawSamples.push(await raw(i));
    const run = await loop(i);
    loopSamples.push(run.ms);
    polls = run.polls;
  }
  await fx.close();
  await rm(dir, { recursive: true, force: true });

  const rawStats = stats(rawSamples);
  const loopStats = stats(loopSamples);
  const overheadMs = Math.round((loopStats.medianMs - rawStats.medianMs) * 1000) / 1000;
  const result = {
    benchmark: 'providers-image-video: async-job loop overhead (Runway fixture)',
    date: new Date().toISOString(),
    node: process.version,
    iterations: ITERATIONS,
    pollsPerJob: polls,
    raw: rawStats,
    asyncJobLoop: loopStats,
    overheadMedianMs: overheadMs,
    overheadPerRequestMs: Math.round((overheadMs / (polls + 2)) * 1000) / 1000,
    note: 'raw = bare fetch of the same create, polls and download; loop = runAsyncJob with requestJson/requestBinary (classification, atomic temp+rename file write, heartbeats) and a zero-wait clock',
  };
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'providers-image-video.json');
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
