/**
 * How long starting a media process holds the calling process's event loop as its resident memory
 * grows. On Linux `child_process.spawn` forks the caller, so the cost follows its memory mappings;
 * through the spawn helper (`src/providers/media/spawn-helper.ts`, the default of processes that
 * run a worker) the caller only sends one IPC message and the helper, started while the caller was
 * small, forks itself.
 *
 * At each size: 40 `runProcess('true')` calls spawned from this process, then 40 through the
 * helper, alternating; the figure is the synchronous time of the call (what the event loop waits
 * for). Prints p50/p90 per mode, helper/direct ratios and the load average.
 * Usage: npx tsx bench/spawn-cost.ts [--json FILE]
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { runProcess } from '../src/providers/media/run-process.js';
import { acquireSpawnHelper } from '../src/providers/media/spawn-helper.js';

const jsonAt = process.argv.indexOf('--json');
const jsonPath = jsonAt > 0 ? process.argv[jsonAt + 1] : undefined;

/** Synchronous time of starting `true` with the launcher in effect, then waits for it to end. */
async function once(): Promise<number> {
  const t0 = performance.now();
  const done = runProcess('true', []);
  const ms = performance.now() - t0;
  await done;
  return ms;
}

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;

const hold: Buffer[] = [];
const rows: Record<string, unknown>[] = [];
for (const mb of [0, 200, 600]) {
  while (hold.length * 10 < mb) hold.push(Buffer.alloc(10 * 1024 * 1024, 1));
  const direct: number[] = [];
  const viaHelper: number[] = [];
  for (let i = 0; i < 40; i += 1) {
    direct.push(await once());
    // A helper started at this size (its start is not measured: a worker starts it once, early).
    const release = acquireSpawnHelper();
    viaHelper.push(await once());
    release();
  }
  direct.sort((a, b) => a - b);
  viaHelper.sort((a, b) => a - b);
  const rss = Math.round(process.memoryUsage().rss / 1e6);
  const row = {
    rssMb: rss,
    directP50Ms: +pct(direct, 0.5).toFixed(2),
    directP90Ms: +pct(direct, 0.9).toFixed(2),
    helperP50Ms: +pct(viaHelper, 0.5).toFixed(3),
    helperP90Ms: +pct(viaHelper, 0.9).toFixed(3),
    ratioP90: +(pct(viaHelper, 0.9) / pct(direct, 0.9)).toFixed(3),
    load: +(loadavg()[0] ?? 0).toFixed(1),
  };
  rows.push(row);
  process.stdout.write(
    `RSS ${rss} MB: spawn from this process holds the loop p50 ${row.directP50Ms} / p90 ${row.directP90Ms} ms; ` +
      `through the helper p50 ${row.helperP50Ms} / p90 ${row.helperP90Ms} ms (${row.ratioP90}× at p90; load ${row.load})\n`,
  );
}
if (jsonPath)
  writeFileSync(jsonPath, `${JSON.stringify({ date: new Date().toISOString(), rows }, null, 2)}\n`);
