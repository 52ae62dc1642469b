/**
 * Proxy latency A/B at 1 connection: the 1-connection part of bench/proxy.ts (non-streaming
 * round trip and time to first token, p50/p99) for the direct upstream and Reelay — and, with
 * `--baseline DIR`, a second Reelay running DIR's src/ (see bench/proxy-cpu.ts) — measured in
 * alternation, one request each in turn (the order rotating), so every target sees the same load. Added latency is
 * each target's percentile minus the direct one.
 * Writes bench/results/<--out, default proxy-latency>.json.
 * `--floor` adds a bare Node.js forwarder (bench/proxy/floor-child.ts): the least any Node proxy adds.
 * Run: `npx tsx bench/proxy-latency.ts [--requests N] [--out name] [--baseline DIR] [--floor]`
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const argOf = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const REQUESTS = Number(argOf('requests') ?? 2000);
const OUT = argOf('out') ?? 'proxy-latency';
const round = (n: number, d = 3): number => Math.round(n * 10 ** d) / 10 ** d;
const loadBefore = loadavg().map((l) => round(l, 2));
const children: ChildProcess[] = [];

function forkChild(file: string, args: string[] = []): Promise<string> {
  const child = fork(join(here, 'proxy', file), args, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  children.push(child);
  return once(child, 'message').then(([m]) => (m as { url: string }).url);
}

interface Target {
  name: string;
  url: string;
  model: string;
  agent: Agent;
}

/** One request; resolves with ms to the first content (the whole body when not streaming). */
function once1(t: Target, stream: boolean): Promise<number> {
  const body = JSON.stringify({
    model: t.model,
    stream,
    messages: [{ role: 'user', content: 'Say the sentence.' }],
  });
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let first = 0;
    let text = '';
    const req = request(
      `${t.url}/v1/chat/completions`,
      {
        method: 'POST',
        agent: t.agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (first !== 0) return;
          text += chunk;
          if (stream && text.includes('"content":"The')) first = performance.now() - start;
        });
        res.on('end', () => {
          if (!stream) first = performance.now() - start;
          if (res.statusCode === 200) resolve(first);
          else reject(new Error(`${t.name}: HTTP ${res.statusCode} ${text.slice(0, 200)}`));
        });
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

try {
  const upstream = await forkChild('upstream-child.ts');
  const targets: Target[] = [
    {
      name: 'direct',
      url: upstream,
      model: 'bench-model',
      agent: new Agent({ keepAlive: true, maxSockets: 1 }),
    },
    {
      name: 'reelay',
      url: await forkChild('reelay-child.ts', [upstream]),
      model: 'bench',
      agent: new Agent({ keepAlive: true, maxSockets: 1 }),
    },
  ];
  // The floor: a bare Node.js forwarder (bench/proxy/floor-child.ts), what any Node proxy pays.
  if (process.argv.includes('--floor'))
    targets.push({
      name: 'node-floor',
      url: await forkChild('floor-child.ts', [upstream]),
      model: 'bench',
      agent: new Agent({ keepAlive: true, maxSockets: 1 }),
    });
  const baselineDir = argOf('baseline');
  if (baselineDir)
    targets.push({
      name: 'reelay-baseline',
      url: await forkChild('reelay-child.ts', [upstream, baselineDir]),
      model: 'bench',
      agent: new Agent({ keepAlive: true, maxSockets: 1 }),
    });
  const results: Record<string, Record<string, { p50: number; p99: number }>> = {};
  for (const stream of [false, true]) {
    const kind = stream ? 'ttftMs' : 'latencyMs';
    const samples = new Map<string, number[]>(targets.map((t) => [t.name, []]));
    for (let i = 0; i < 300; i += 1) for (const t of targets) await once1(t, stream);
    // The order rotates every request: no target always follows the same one.
    for (let i = 0; i < REQUESTS; i += 1)
      for (let k = 0; k < targets.length; k += 1) {
        const t = targets[(i + k) % targets.length] as Target;
        samples.get(t.name)?.push(await once1(t, stream));
      }
    for (const t of targets) {
      const xs = samples.get(t.name) ?? [];
      const r = { p50: round(pct(xs, 50)), p99: round(pct(xs, 99)) };
      results[t.name] = { ...results[t.name], [kind]: r };
      process.stdout.write(`${t.name.padEnd(16)} ${kind}: p50 ${r.p50} ms, p99 ${r.p99} ms\n`);
    }
  }
  const base = results.direct ?? {};
  const added: Record<string, Record<string, number>> = {};
  for (const t of targets.filter((x) => x.name !== 'direct')) {
    const r = results[t.name] ?? {};
    added[t.name] = {
      addedP50Us: round(((r.latencyMs?.p50 ?? 0) - (base.latencyMs?.p50 ?? 0)) * 1000, 0),
      addedP99Us: round(((r.latencyMs?.p99 ?? 0) - (base.latencyMs?.p99 ?? 0)) * 1000, 0),
      addedTtftP50Us: round(((r.ttftMs?.p50 ?? 0) - (base.ttftMs?.p50 ?? 0)) * 1000, 0),
      addedTtftP99Us: round(((r.ttftMs?.p99 ?? 0) - (base.ttftMs?.p99 ?? 0)) * 1000, 0),
    };
  }
  const loadAfter = loadavg().map((l) => round(l, 2));
  process.stdout.write(
    `${JSON.stringify(added, null, 2)}\nload average before ${loadBefore.join(' ')}, after ${loadAfter.join(' ')}\n`,
  );
  await writeFile(
    join(here, 'results', `${OUT}.json`),
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, requests: REQUESTS, loadavg: { before: loadBefore, after: loadAfter }, results, added }, null, 2)}\n`,
  );
} finally {
  for (const c of children) c.kill();
}
