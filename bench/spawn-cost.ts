/**
 * How long `child_process.spawn` holds the calling process's event loop as its resident memory
 * grows (Linux forks the caller: the cost follows its memory mappings). 40 spawns of `true` at each
 * size; prints p50/p90 and the load average.
 * Usage: npx tsx bench/spawn-cost.ts
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';

const hold: Buffer[] = [];
for (const mb of [0, 200, 600]) {
  while (hold.length * 10 < mb) hold.push(Buffer.alloc(10 * 1024 * 1024, 1));
  const ms: number[] = [];
  for (let i = 0; i < 40; i += 1) {
    const t0 = performance.now();
    const child = spawn('true');
    ms.push(performance.now() - t0);
    await new Promise((resolve) => child.on('exit', resolve));
  }
  ms.sort((a, b) => a - b);
  const rss = Math.round(process.memoryUsage().rss / 1e6);
  process.stdout.write(
    `RSS ${rss} MB: spawn holds the loop p50 ${ms[19]?.toFixed(1)} ms, p90 ${ms[35]?.toFixed(1)} ms (load ${(loadavg()[0] ?? 0).toFixed(1)})\n`,
  );
}
