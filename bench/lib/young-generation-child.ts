/**
 * The workload of bench/young-generation.ts, in its own process (the parent chooses the Node
 * flags): 10 s of steady request-like allocation, a burst of a fixed amount of work (4 million
 * small objects, allocated as fast as possible, a rolling window of the last 100 000–200 000 kept
 * alive, as a burst of jobs does), then 30 s of the steady load again. Prints one JSON line: RSS
 * before the burst, the largest young generation seen, RSS and V8's sizes at the end, the burst's
 * CPU time (the cost of the setting: more, smaller scavenges) and the whole run's.
 */
import { getHeapSpaceStatistics } from 'node:v8';

const MB = 1024 * 1024;
const newSpace = (): number =>
  getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
let maxNewSpace = newSpace();

/** Short-lived garbage like one request's parsing and serialising: ~40 KB. */
function requestLike(i: number): number {
  const items = Array.from({ length: 200 }, (_, k) => ({ id: `${i}-${k}`, at: k * 1.5, tags: [k, i] }));
  return JSON.stringify(items).length;
}

async function steady(ms: number): Promise<void> {
  const until = Date.now() + ms;
  let i = 0;
  while (Date.now() < until) {
    requestLike(i++);
    maxNewSpace = Math.max(maxNewSpace, newSpace());
    await new Promise((r) => setTimeout(r, 10));
  }
}

function burst(objects: number): void {
  const window: unknown[] = [];
  for (let i = 0; i < objects; ) {
    window.push({ id: i, text: `event ${i} of a busy job`, values: [i, i + 1, i + 2] });
    if (window.length > 200_000) window.splice(0, 100_000);
    if (++i % 10_000 === 0) maxNewSpace = Math.max(maxNewSpace, newSpace());
  }
}

const cpu0 = process.cpuUsage();
await steady(10_000);
const rssBeforeBurst = process.memoryUsage().rss;
const burstCpu0 = process.cpuUsage();
burst(4_000_000);
const burstCpu = process.cpuUsage(burstCpu0);
await steady(30_000);
const cpu = process.cpuUsage(cpu0);
const m = process.memoryUsage();
process.stdout.write(
  `${JSON.stringify({
    rssBeforeBurstMb: Math.round(rssBeforeBurst / MB),
    maxNewSpaceMb: Math.round(maxNewSpace / MB),
    endNewSpaceMb: Math.round(newSpace() / MB),
    endHeapTotalMb: Math.round(m.heapTotal / MB),
    endRssMb: Math.round(m.rss / MB),
    burstCpuMs: Math.round((burstCpu.user + burstCpu.system) / 1000),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
  })}\n`,
);
