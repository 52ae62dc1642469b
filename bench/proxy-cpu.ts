/**
 * Proxy CPU benchmark: server CPU time per request, which (unlike wall-clock figures) holds on a
 * shared, loaded machine. The same chat request is sent N times at 20 connections directly to the
 * local upstream (the fault simulator), through Reelay and through `@portkey-ai/gateway`; the
 * server process's CPU time (the scheduler's per-thread accounting, /proc/<pid>/task/<tid>/schedstat)
 * before and after gives µs CPU per request.
 * For Reelay and Portkey the upstream's own CPU is measured apart and not counted.
 * Writes bench/results/<--out, default proxy-cpu>.json.
 * `--baseline DIR` adds a second Reelay server running DIR's src/ (e.g. `git archive main src
 * test/support | tar -x -C DIR`, with DIR/node_modules linked to this one): an A/B in one run, the
 * two measured in alternation, so both see the same load.
 * `--floor` adds a bare Node.js forwarder (bench/proxy/floor-child.ts): the least any Node proxy spends.
 * Run: `npx tsx bench/proxy-cpu.ts [--requests N] [--rounds N] [--out name] [--stream] [--baseline DIR] [--floor] [--no-portkey]`
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const here = dirname(fileURLToPath(import.meta.url));
const argOf = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const REQUESTS = Number(argOf('requests') ?? 5000);
const ROUNDS = Number(argOf('rounds') ?? 3);
const OUT = argOf('out') ?? 'proxy-cpu';
const STREAM = process.argv.includes('--stream');
const round = (n: number, d = 1): number => Math.round(n * 10 ** d) / 10 ** d;
const loadBefore = loadavg().map((l) => round(l, 2));
const children: ChildProcess[] = [];
/**
 * CPU time of a process in µs, all its threads: the scheduler's own accounting
 * (/proc/<pid>/task/<tid>/schedstat, ns on the CPU), not utime+stime, which count whole 10 ms
 * ticks and so blur a short round by ±10 %. A thread that already exited is no longer counted.
 */
function cpuUs(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return ns / 1000;
}

function forkChild(file: string, args: string[] = []): Promise<{ url: string; pid: number }> {
  const child = fork(join(here, 'proxy', file), args, {
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.PROXY_CPU_PROF && file.startsWith('reelay')
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROXY_CPU_PROF}`]
        : []),
    ],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  children.push(child);
  return once(child, 'message').then(([m]) => ({ url: (m as { url: string }).url, pid: child.pid ?? 0 }));
}

async function startPortkey(): Promise<{ url: string; pid: number } | undefined> {
  let script: string;
  try {
    script = join(
      dirname(createRequire(import.meta.url).resolve('@portkey-ai/gateway/package.json')),
      'build',
      'start-server.js',
    );
  } catch {
    return undefined;
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
    if (ok) return { url: `http://127.0.0.1:${port}`, pid: child.pid ?? 0 };
  }
  return undefined;
}

interface Target {
  name: string;
  url: string;
  pid: number;
  headers: Record<string, string>;
  model: string;
}

async function fire(t: Target, amount: number): Promise<number> {
  const r = await autocannon({
    url: `${t.url}/v1/chat/completions`,
    connections: 20,
    amount,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...t.headers },
    body: JSON.stringify({
      model: t.model,
      stream: STREAM,
      messages: [{ role: 'user', content: 'Say the sentence.' }],
    }),
  });
  return r.non2xx + r.errors;
}

/** CPU µs per request of the target's server and of the upstream behind it. */
async function measure(
  t: Target,
  upstreamPid: number,
): Promise<{ serverUs: number; upstreamUs: number; failed: number }> {
  const s0 = cpuUs(t.pid);
  const u0 = cpuUs(upstreamPid);
  const failed = await fire(t, REQUESTS);
  const serverUs = (cpuUs(t.pid) - s0) / REQUESTS;
  const upstreamUs = t.pid === upstreamPid ? serverUs : (cpuUs(upstreamPid) - u0) / REQUESTS;
  return { serverUs: round(serverUs), upstreamUs: round(upstreamUs), failed };
}

try {
  const upstream = await forkChild('upstream-child.ts');
  const reelay = await forkChild('reelay-child.ts', [upstream.url]);
  const baselineDir = argOf('baseline');
  const baseline = baselineDir ? await forkChild('reelay-child.ts', [upstream.url, baselineDir]) : undefined;
  const portkey = process.argv.includes('--no-portkey') ? undefined : await startPortkey();
  const targets: Target[] = [
    { name: 'direct', ...upstream, headers: {}, model: 'bench-model' },
    { name: 'reelay', ...reelay, headers: {}, model: 'bench' },
  ];
  if (baseline) targets.push({ name: 'reelay-baseline', ...baseline, headers: {}, model: 'bench' });
  // The floor: a bare Node.js forwarder (bench/proxy/floor-child.ts), what any Node proxy spends.
  if (process.argv.includes('--floor'))
    targets.push({
      name: 'node-floor',
      ...(await forkChild('floor-child.ts', [upstream.url])),
      headers: {},
      model: 'bench',
    });
  if (portkey)
    targets.push({
      name: 'portkey',
      ...portkey,
      headers: {
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': `${upstream.url}/v1`,
        authorization: 'Bearer sk-bench',
      },
      model: 'bench-model',
    });
  // Warm-up: JIT, connection pools, the tokenizer.
  for (const t of targets) await fire(t, 2000);
  const rounds: Record<string, Array<{ serverUs: number; upstreamUs: number; failed: number }>> = {};
  for (let r = 0; r < ROUNDS; r += 1)
    // Odd rounds measure the targets in reverse order: neither side of an A/B always goes first.
    for (const t of r % 2 === 0 ? targets : [...targets].reverse()) {
      const m = await measure(t, upstream.pid);
      const list = rounds[t.name] ?? [];
      list.push(m);
      rounds[t.name] = list;
      process.stdout.write(
        `round ${r + 1} ${t.name.padEnd(8)} server ${m.serverUs} µs CPU/req, upstream ${m.upstreamUs} µs, failed ${m.failed}\n`,
      );
    }
  const median = (xs: number[]): number =>
    [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  const perTarget: Record<string, number> = {};
  for (const [name, xs] of Object.entries(rounds)) perTarget[name] = median(xs.map((x) => x.serverUs));
  // Per-round ratio to the baseline measured next to it: load drifts between rounds, less within one.
  const abRatios = (rounds.reelay ?? []).map((r, k) =>
    round(r.serverUs / (rounds['reelay-baseline']?.[k]?.serverUs ?? Number.NaN), 3),
  );
  const summary = {
    ...(baseline ? { reelayOverBaselinePerRound: abRatios, reelayOverBaselineMedian: median(abRatios) } : {}),
    cpuUsPerRequest: perTarget,
    reelayOverDirect: round((perTarget.reelay ?? 0) / (perTarget.direct ?? 1), 2),
    ...(perTarget.portkey
      ? { portkeyOverReelay: round(perTarget.portkey / (perTarget.reelay ?? 1), 2) }
      : {}),
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  const loadAfter = loadavg().map((l) => round(l, 2));
  process.stdout.write(`load average before ${loadBefore.join(' ')}, after ${loadAfter.join(' ')}\n`);
  await writeFile(
    join(here, 'results', `${OUT}.json`),
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, requests: REQUESTS, connections: 20, stream: STREAM, loadavg: { before: loadBefore, after: loadAfter }, rounds, summary }, null, 2)}\n`,
  );
} finally {
  for (const c of children) c.kill();
}
