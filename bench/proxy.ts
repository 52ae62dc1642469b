/**
 * Proxy benchmark: the same chat request sent directly to a local upstream (the fault simulator
 * with no faults), through Reelay's OpenAI-compatible endpoint, and through `@portkey-ai/gateway`
 * (installed from npm, run offline with `--headless`), each in its own process:
 *   - added latency at 1 connection: p50/p99 of non-streaming requests and of time to first token
 *     (first content delta) of streaming ones, minus the direct baseline of the same run;
 *   - throughput at 20 and 100 connections (autocannon in a separate process), and its ratio to
 *     the direct baseline.
 * Goals: added p50 ≤ 150 µs and p99 ≤ 1 ms; throughput ≥ 60 % of direct and ≥ 8× Portkey's.
 * Writes bench/results/proxy.json. Run: `npx tsx bench/proxy.ts [--requests N] [--seconds N]`
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const round = (n: number, d = 3): number => Math.round(n * 10 ** d) / 10 ** d;
const REQUESTS = arg('requests', 2000);
// The machine may be shared: the load before and after the run is recorded with the figures.
const loadBefore = loadavg().map((l) => round(l, 2));
const SECONDS = arg('seconds', 5);
const children: ChildProcess[] = [];

function forkChild(file: string, args: string[] = []): Promise<{ url: string }> {
  const child = fork(join(here, 'proxy', file), args, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  children.push(child);
  return once(child, 'message').then(([m]) => m as { url: string });
}

async function startPortkey(): Promise<string | { error: string }> {
  let script: string;
  try {
    script = join(
      dirname(createRequire(import.meta.url).resolve('@portkey-ai/gateway/package.json')),
      'build',
      'start-server.js',
    );
  } catch (error) {
    return { error: `@portkey-ai/gateway is not installed (${(error as Error).message})` };
  }
  const port = 18000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [script, `--port=${port}`, '--headless'], { stdio: 'ignore' });
  children.push(child);
  for (let i = 0; i < 100; i += 1) {
    await new Promise((r) => setTimeout(r, 100));
    const ok = await fetch(`http://127.0.0.1:${port}/`).then(
      () => true,
      () => false,
    );
    if (ok) return `http://127.0.0.1:${port}`;
  }
  return { error: 'Portkey did not start listening within 10 s' };
}

interface Target {
  name: 'direct' | 'reelay' | 'portkey';
  url: string;
  headers: Record<string, string>;
  model: string;
}

const agentOptions = { keepAlive: true, maxSockets: 1, noDelay: true };
const agent = new Agent(agentOptions);

/** One request; resolves with [ms to first content byte, ms to the end]. */
function once1(t: Target, stream: boolean): Promise<[number, number]> {
  const body = JSON.stringify({
    model: t.model,
    stream,
    messages: [{ role: 'user', content: 'Say the sentence.' }],
  });
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let first = 0;
    const req = request(
      `${t.url}/v1/chat/completions`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...t.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (first === 0) {
            text += chunk;
            if (!stream || text.includes('"content":"The')) first = performance.now() - start;
          }
        });
        res.on('end', () =>
          res.statusCode === 200
            ? resolve([first, performance.now() - start])
            : reject(new Error(`${t.name}: HTTP ${res.statusCode} ${text.slice(0, 200)}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

async function latency(t: Target, stream: boolean): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 200; i += 1) await once1(t, stream);
  const xs: number[] = [];
  for (let i = 0; i < REQUESTS; i += 1) xs.push((await once1(t, stream))[0]);
  return { p50: pct(xs, 50), p99: pct(xs, 99) };
}

async function throughput(
  t: Target,
  connections: number,
): Promise<{ rps: number; non2xx: number; errors: number; p50: number; p99: number }> {
  const body = JSON.stringify({ model: t.model, messages: [{ role: 'user', content: 'Say the sentence.' }] });
  const child = fork(
    join(here, 'proxy', 'load-child.ts'),
    [
      `${t.url}/v1/chat/completions`,
      String(connections),
      String(SECONDS),
      JSON.stringify({ 'content-type': 'application/json', ...t.headers }),
      body,
    ],
    {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  const [m] = await once(child, 'message');
  child.kill();
  return m as { rps: number; non2xx: number; errors: number; p50: number; p99: number };
}

try {
  const upstream = (await forkChild('upstream-child.ts')).url;
  const reelay = (await forkChild('reelay-child.ts', [upstream])).url;
  const portkey = await startPortkey();
  const targets: Target[] = [
    { name: 'direct', url: upstream, headers: {}, model: 'bench-model' },
    { name: 'reelay', url: reelay, headers: {}, model: 'bench' },
  ];
  if (typeof portkey === 'string')
    targets.push({
      name: 'portkey',
      url: portkey,
      headers: {
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': `${upstream}/v1`,
        authorization: 'Bearer sk-bench',
      },
      model: 'bench-model',
    });
  const results: Record<string, Record<string, unknown>> = {};
  for (const t of targets) {
    const json = await latency(t, false);
    // Portkey 1.15.2 fails every streamed request on Node 20 (TypeError "immutable" when it appends
    // to a fetch Response's headers); the error is recorded instead of a figure.
    const ttft = await latency(t, true).catch((error: Error) => ({
      p50: Number.NaN,
      p99: Number.NaN,
      error: error.message.slice(0, 200),
    }));
    results[t.name] = { latencyMs: json, ttftMs: ttft };
    process.stdout.write(
      `${t.name.padEnd(8)} 1 conn: p50 ${json.p50.toFixed(3)} ms, p99 ${json.p99.toFixed(3)} ms; TTFT p50 ${ttft.p50.toFixed(3)} ms, p99 ${ttft.p99.toFixed(3)} ms\n`,
    );
  }
  for (const connections of [20, 100]) {
    for (const t of targets) {
      const r = await throughput(t, connections);
      (results[t.name] as Record<string, unknown>)[`c${connections}`] = r;
      process.stdout.write(
        `${t.name.padEnd(8)} ${connections} conns: ${r.rps.toFixed(0)} req/s (p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors})\n`,
      );
    }
  }
  const base = results.direct as {
    latencyMs: { p50: number; p99: number };
    ttftMs: { p50: number; p99: number };
    c20: { rps: number };
    c100: { rps: number };
  };
  const summary: Record<string, unknown> = {};
  for (const t of targets.filter((x) => x.name !== 'direct')) {
    const r = results[t.name] as typeof base;
    summary[t.name] = {
      addedP50Us: round((r.latencyMs.p50 - base.latencyMs.p50) * 1000, 0),
      addedP99Us: round((r.latencyMs.p99 - base.latencyMs.p99) * 1000, 0),
      addedTtftP50Us: round((r.ttftMs.p50 - base.ttftMs.p50) * 1000, 0),
      addedTtftP99Us: round((r.ttftMs.p99 - base.ttftMs.p99) * 1000, 0),
      throughputRatioC20: round(r.c20.rps / base.c20.rps),
      throughputRatioC100: round(r.c100.rps / base.c100.rps),
    };
  }
  if (results.portkey) {
    const p = results.portkey as typeof base;
    const r = results.reelay as typeof base;
    summary.reelayOverPortkeyC20 = round(r.c20.rps / p.c20.rps, 2);
    summary.reelayOverPortkeyC100 = round(r.c100.rps / p.c100.rps, 2);
  }
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  await writeFile(
    join(here, 'results', 'proxy.json'),
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, requests: REQUESTS, seconds: SECONDS, loadavg: { before: loadBefore, after: loadavg().map((l) => round(l, 2)) }, portkey: typeof portkey === 'string' ? 'ran' : portkey.error, results, summary }, null, 2)}\n`,
  );
} finally {
  for (const c of children) c.kill();
}
