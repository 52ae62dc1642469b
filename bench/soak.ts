/**
 * Soak: one real Reelay server (SQLite, worker on) driven for a given duration with small jobs,
 * cancels, status/SSE/list/metadata reads, hostile requests and circuit changes, while its Ollama
 * provider points at a fault server (500s, 503s, resets, hangs, garbage, sometimes a valid answer).
 * Samples the server's RSS, open descriptors and child processes every 10 s and reports, at the
 * end (after the load stops and the server idles 15 s): RSS growth from the end of warm-up
 * (goal ≤ 5 %), and descriptors and children compared with the start (goal: back to the start).
 * Writes bench/results/soak.json.
 *
 * The warm-up excluded from the growth is the first 15 % of the run, at most 5 min; the baseline is
 * the first sample after it (both stated in the report, with the load average and the glibc malloc
 * settings the server ran with). The server runs with the Node flags and malloc settings
 * `reelay serve` gives itself (bin/node-runtime.js; `REELAY_NODE_OPTIONS` changes them for an A/B);
 * the report says which (`serverCommand`, `mallocEnv`) and the server's CPU time (`serverCpu`).
 * docs/memory.md explains the figures.
 *
 * Run: `npx tsx bench/soak.ts <duration>` — e.g. `60m`, `45m`, `300s` (default 10m).
 * Diagnostics: `REELAY_SOAK_DIAG=<dir>` (the server's memory split every 10 s),
 * `REELAY_SOAK_SNAPSHOTS=180,600` (heap snapshots at those seconds), `REELAY_SOAK_RESULTS=<name>`.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  answerProblem,
  hostileRequest,
  seededRandom,
  sendHostile,
} from '../test/support/hostile-requests.js';
import { diagSummary } from './lib/soak-diag-summary.js';
import { spawnServer } from './lib/spawn-server.js';

/** REELAY_SOAK_DIAG=<dir>: the server samples its memory there (see bench/lib/soak-diag.ts). */
const DIAG_DIR = process.env.REELAY_SOAK_DIAG;
/** REELAY_SOAK_RESULTS=<name>: write bench/results/<name>.json (diagnostic runs keep soak.json). */
const RESULTS = join(
  dirname(fileURLToPath(import.meta.url)),
  'results',
  `${process.env.REELAY_SOAK_RESULTS ?? 'soak'}.json`,
);
/** With REELAY_SOAK_DIAG: seconds into the run at which the server writes a heap snapshot. */
const SNAPSHOT_AT_S = (process.env.REELAY_SOAK_SNAPSHOTS ?? '')
  .split(',')
  .filter((t) => t.trim() !== '')
  .map(Number);

function parseDuration(text: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text ?? '10m');
  if (!m) throw new Error(`duration "${text}": use e.g. 60m, 300s, 1h`);
  const n = Number(m[1]);
  return n * (m[2] === 'h' ? 3_600_000 : m[2] === 's' ? 1000 : 60_000);
}
const DURATION_MS = parseDuration(process.argv[2]);
const WARMUP_MS = Math.min(5 * 60_000, DURATION_MS * 0.15);
const SAMPLE_MS = 10_000;

/** An Ollama look-alike that fails in every way a network provider can. */
function faultServer(rand: () => number) {
  let served = 0;
  const server = createHttpServer((req, res) => {
    served++;
    req.resume();
    const r = rand();
    if (req.url === '/api/tags') {
      if (r < 0.7) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ models: [{ name: 'llama3.1:latest' }] }));
      } else {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"error":"server busy"}');
      }
      return;
    }
    if (r < 0.25) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"llama runner process has terminated: signal: killed"}');
    } else if (r < 0.4) {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end('{"error":"server busy, please try again"}');
    } else if (r < 0.55) {
      req.socket.destroy();
    } else if (r < 0.7) {
      // Hang: the provider's timeout or stall detection must give up on it.
      setTimeout(() => res.destroy(), 20_000).unref();
    } else if (r < 0.85) {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.end('{"model":"llama3.1","message":{"content":"garb');
    } else {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.end(
        `${JSON.stringify({ model: 'llama3.1', message: { role: 'assistant', content: 'not a script' }, done: false })}\n` +
          `${JSON.stringify({ model: 'llama3.1', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', prompt_eval_count: 5, eval_count: 3 })}\n`,
      );
    }
  });
  return { server, served: () => served };
}

async function statusKb(pid: number, field: string): Promise<number> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN);
}

async function descendants(pid: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // The process ended while we looked.
    }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift() as number;
    for (const [child, parent] of parents) {
      if (parent === p) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}

async function names(pids: readonly number[]): Promise<string[]> {
  const out: string[] = [];
  for (const pid of pids) {
    const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '?');
    out.push(`${pid}:${comm.trim()}`);
  }
  return out;
}

interface Sample {
  atMs: number;
  rssKb: number;
  fds: number;
  children: number;
  /** The server's CPU time so far (user + system), in seconds. */
  cpuS: number;
}

/** utime + stime of `pid` (/proc/<pid>/stat fields 14 and 15), in seconds (clock ticks of 1/100 s). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function sample(pid: number, startedAt: number): Promise<Sample> {
  return {
    atMs: Date.now() - startedAt,
    rssKb: await statusKb(pid, 'VmRSS'),
    fds: (await readdir(`/proc/${pid}/fd`)).length,
    children: (await descendants(pid)).length,
    cpuS: await cpuSeconds(pid),
  };
}

function call(
  port: number,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: payload ? { 'content-type': 'application/json' } : {},
        timeout: 30_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => {
          let json: unknown = null;
          try {
            json = JSON.parse(text);
          } catch {
            json = text;
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout ${method} ${path}`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Opens an SSE stream and reads it until the job ends or `ms` pass. */
function followStream(port: number, jobId: string, ms: number): Promise<number> {
  return new Promise((resolve) => {
    let events = 0;
    const req = request({ host: '127.0.0.1', port, path: `/api/video/${jobId}/stream` }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        events += c.split('\nid: ').length - 1;
      });
      res.on('end', () => resolve(events));
      res.on('error', () => resolve(events));
    });
    req.on('error', () => resolve(events));
    setTimeout(() => req.destroy(), ms).unref();
    req.end();
  });
}

const rand = seededRandom(20261201);
const faults = faultServer(seededRandom(7));
await new Promise<void>((r) => faults.server.listen(0, '127.0.0.1', r));
const faultAddress = faults.server.address();
const faultPort = typeof faultAddress === 'object' && faultAddress ? faultAddress.port : 0;

const dir = await mkdtemp(join(tmpdir(), 'reelay-soak-'));
const configPath = join(dir, 'reelay.config.json');
await mkdir(join(dir, 'data'), { recursive: true });
await writeFile(
  configPath,
  JSON.stringify({
    providers: {
      ollama: { baseUrl: `http://127.0.0.1:${faultPort}`, model: 'llama3.1', timeoutMs: 4000 },
    },
    server: { generateRatePerMinute: 100_000 },
    decisionTimeoutMs: 5000,
  }),
);
const server = await spawnServer({
  REELAY_CONFIG: configPath,
  REELAY_DATA_DIR: join(dir, 'data'),
  DATABASE_URL: '',
});
const startedAt = Date.now();
/** The server's command line: the Node flags it runs with. */
const serverCommand = (await readFile(`/proc/${server.pid}/cmdline`, 'utf8'))
  .split('\0')
  .filter((a) => a !== '');
/** glibc malloc settings in the server's environment (bin/node-runtime.js adds them by default). */
const mallocEnv = Object.fromEntries(
  (await readFile(`/proc/${server.pid}/environ`, 'utf8'))
    .split('\0')
    .filter((kv) => kv.startsWith('MALLOC_') || kv.startsWith('GLIBC_TUNABLES='))
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);
const loadAtStart = loadavg().map((l) => Math.round(l * 100) / 100);
const samples: Sample[] = [await sample(server.pid, startedAt)];
const counts = {
  submitted: 0,
  done: 0,
  failed: 0,
  canceled: 0,
  hostile: 0,
  hostileBroken: 0,
  reads: 0,
  serverErrors: 0,
};
const brokenExamples: string[] = [];
/** Jobs that ended: hostile requests target these, so they do not cancel the soak's own jobs. */
const endedIds: string[] = [];
let stopping = false;
const openStreams: Promise<unknown>[] = [];

const sampler = setInterval(() => {
  void sample(server.pid, startedAt).then((s) => {
    samples.push(s);
    process.stdout.write(
      `[soak ${Math.round(s.atMs / 1000)} s] rss ${Math.round(s.rssKb / 1024)} MB · fds ${s.fds} · children ${s.children} · jobs ${JSON.stringify(counts)}\n`,
    );
  });
}, SAMPLE_MS);

async function jobLoop(): Promise<void> {
  while (!stopping) {
    const n = counts.submitted++;
    const body = {
      brief: `Soak job ${n}: explain how tides work for curious kids, with the moon and the sun`,
      durationMinutes: 0.05,
      fallbackPolicy: 'auto',
      options: {
        width: 320,
        height: 240,
        fps: 15,
        crossfade: n % 2 === 0,
        motion: n % 3 === 0,
        subtitles: n % 4 !== 0,
      },
      ...(n % 3 === 1 ? { providers: { llm: 'ollama' } } : {}),
    };
    const res = await call(server.port, 'POST', '/api/video/generate', body).catch(() => ({
      status: 0,
      json: null,
    }));
    if (res.status !== 202) {
      counts.serverErrors += res.status >= 500 || res.status === 0 ? 1 : 0;
      continue;
    }
    const jobId = (res.json as { jobId: string }).jobId;
    const streaming = followStream(server.port, jobId, 20 * 60_000);
    if (n % 5 === 4) {
      await new Promise((r) => setTimeout(r, 1500 + rand() * 3000));
      await call(server.port, 'POST', `/api/video/${jobId}/cancel`, { reason: 'soak cancel' }).catch(
        () => undefined,
      );
    }
    for (let i = 0; i < 2400 && !stopping; i++) {
      const s = await call(server.port, 'GET', `/api/video/${jobId}/status`).catch(() => ({
        status: 0,
        json: null,
      }));
      counts.reads++;
      const status = (s.json as { status?: string } | null)?.status;
      if (status === 'completed' || status === 'failed' || status === 'canceled') {
        counts[status === 'completed' ? 'done' : status]++;
        endedIds.push(jobId);
        if (endedIds.length > 50) endedIds.shift();
        if (status === 'completed')
          await call(server.port, 'GET', `/api/video/${jobId}/metadata`).catch(() => undefined);
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    // At the stop the job may still be queued behind hostile submissions: its stream ends when the
    // end-of-load cancel pass below reaches it.
    if (stopping) openStreams.push(streaming);
    else await streaming;
  }
}

async function noiseLoop(): Promise<void> {
  while (!stopping) {
    const r = rand();
    if (r < 0.6) {
      const req = hostileRequest(rand, endedIds);
      const answer = await sendHostile(server.port, req).catch(() => null);
      counts.hostile++;
      const problem = answer ? answerProblem(answer, req.kind === 'http' ? req.method : 'GET') : 'no answer';
      if (problem) {
        counts.hostileBroken++;
        if (brokenExamples.length < 20)
          brokenExamples.push(
            `${req.kind === 'http' ? `${req.method} ${req.path.slice(0, 60)}` : 'raw'}: ${problem}`,
          );
      }
    } else if (r < 0.8) {
      await call(server.port, 'GET', '/api/jobs?limit=20').catch(() => undefined);
      await call(server.port, 'GET', '/api/providers').catch(() => undefined);
      counts.reads += 2;
    } else if (r < 0.83) {
      const action = rand() < 0.5 ? 'open' : 'close';
      await call(server.port, 'POST', '/api/providers/ollama/circuit', { action, reason: 'soak' }).catch(
        () => undefined,
      );
    } else {
      await call(server.port, 'GET', '/health/ready').catch(() => undefined);
    }
    await new Promise((r2) => setTimeout(r2, 100));
  }
}

const snapshotTimers = DIAG_DIR
  ? SNAPSHOT_AT_S.map((at) => setTimeout(() => process.kill(server.pid, 'SIGUSR2'), at * 1000))
  : [];
const loops = [jobLoop(), jobLoop(), noiseLoop()];
await new Promise((r) => setTimeout(r, DURATION_MS));
stopping = true;
await Promise.all(loops);
// The hostile mix submits valid jobs too, faster than two cores render them: when the load stops,
// cancel what is still queued or running (as an operator would), so the end figures compare an
// idle server with the idle server of the start.
let cancelledAtStop = 0;
for (const status of ['pending', 'processing']) {
  for (let page = 0; page < 50; page++) {
    const list = await call(server.port, 'GET', `/api/jobs?status=${status}&limit=100`).catch(() => null);
    const items = (list?.json as { items?: { jobId: string }[] } | null)?.items ?? [];
    if (items.length === 0) break;
    for (const item of items) {
      const res = await call(server.port, 'POST', `/api/video/${item.jobId}/cancel`, {
        reason: 'soak ended',
      }).catch(() => null);
      if (res?.status === 200 || res?.status === 202) cancelledAtStop++;
    }
  }
}
await Promise.race([Promise.all(openStreams), new Promise((r) => setTimeout(r, 60_000))]);
// Let the worker wind every job down (at most 10 min), then let the server idle before the end figures.
const drainUntil = Date.now() + 10 * 60_000;
while (Date.now() < drainUntil) {
  const busy = await Promise.all(
    ['processing', 'pending'].map((status) =>
      call(server.port, 'GET', `/api/jobs?status=${status}&limit=1`).catch(() => ({ status: 0, json: null })),
    ),
  );
  if (busy.every((b) => b.status === 200 && (b.json as { items: unknown[] }).items.length === 0)) break;
  await new Promise((r) => setTimeout(r, 2000));
}
await new Promise((r) => setTimeout(r, 15_000));
clearInterval(sampler);
for (const t of snapshotTimers) clearTimeout(t);
const end = await sample(server.pid, startedAt);
const endChildren = await names(await descendants(server.pid));
samples.push(end);
// Read before the end snapshot below: writing a snapshot grows the server's RSS by ~100 MB.
const serverMemory = DIAG_DIR ? await diagSummary(DIAG_DIR, WARMUP_MS) : undefined;
if (DIAG_DIR) {
  // The idle server's heap, after the end figures (a snapshot itself grows RSS).
  process.kill(server.pid, 'SIGUSR2');
  await new Promise((r) => setTimeout(r, 30_000));
}
const stderr = server.stderr();
await server.stop();
faults.server.close();
// This script's own tsx/esbuild helper is not the server's.
const leftover = (await names(await descendants(process.pid))).filter((n) => !n.endsWith(':esbuild'));

const afterWarmup = samples.filter((s) => s.atMs >= WARMUP_MS);
const warm = afterWarmup[0] ?? end;
const start = samples[0] as Sample;
const growthPct = Math.round(((end.rssKb - warm.rssKb) / warm.rssKb) * 1000) / 10;
const result = {
  date: new Date().toISOString(),
  durationMinutes: Math.round(DURATION_MS / 600) / 100,
  warmupMinutes: Math.round(WARMUP_MS / 600) / 100,
  store: 'sqlite',
  counts,
  cancelledAtStop,
  faultServerRequests: faults.served(),
  rss: {
    startMb: Math.round(start.rssKb / 102.4) / 10,
    afterWarmupMb: Math.round(warm.rssKb / 102.4) / 10,
    endMb: Math.round(end.rssKb / 102.4) / 10,
    maxMb: Math.round(Math.max(...samples.map((s) => s.rssKb)) / 102.4) / 10,
    growthAfterWarmupPct: growthPct,
    goalPct: 5,
    baseline: `the first 10-s sample at or after ${Math.round(WARMUP_MS / 1000)} s of load (${Math.round(warm.atMs / 1000)} s); the end is the idle server after the drain and 15 s of rest`,
    excluded: `the first ${Math.round(WARMUP_MS / 1000)} s: module loading, JIT and first-use allocations (start ${Math.round(start.rssKb / 1024)} MB is the sample right after listening)`,
  },
  /** glibc malloc settings the server ran with (they change how much freed memory RSS keeps). */
  mallocEnv,
  serverCommand,
  loadAverage: { start: loadAtStart, end: loadavg().map((l) => Math.round(l * 100) / 100) },
  ...(serverMemory ? { serverMemory } : {}),
  /** The server's own CPU time (not its FFmpeg children), and per job that ended. */
  serverCpu: {
    seconds: Math.round(end.cpuS),
    perEndedJobS:
      Math.round((end.cpuS / Math.max(1, counts.done + counts.failed + counts.canceled)) * 100) / 100,
  },
  descriptors: { start: start.fds, end: end.fds },
  childProcesses: {
    start: start.children,
    end: end.children,
    endNames: endChildren,
    leftAfterStop: leftover,
  },
  brokenExamples,
  serverStderrTail: stderr.slice(-1000),
  samples: samples.map((s) => [
    Math.round(s.atMs / 1000),
    Math.round(s.rssKb / 1024),
    s.fds,
    s.children,
    Math.round(s.cpuS),
  ]),
};
await mkdir(dirname(RESULTS), { recursive: true });
await writeFile(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
await rm(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({ ...result, samples: undefined, serverStderrTail: undefined }, null, 2)}\n`,
);
