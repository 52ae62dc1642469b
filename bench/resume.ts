/**
 * Kill → resume time of a split deployment without Redis, on SQLite (one data directory) and on
 * PostgreSQL: two worker processes (30 s leases, 1 s idle poll); a job is submitted, the worker
 * holding it is killed with SIGKILL once its script stage is done, and the time until the other
 * worker starts attempt 2 is measured. Each store runs twice in the same session: `lease` (the
 * baseline: leases without holder stamps, so the job waits for its lease to lapse, as before) and
 * `liveness` (dead pid on the same host / ended PostgreSQL session seen at once).
 * Writes bench/results/resume.json.
 * Usage: npx tsx bench/resume.ts
 *   RESUME_ROUNDS (default 5), RESUME_BASELINE_ROUNDS (default 2), RESUME_STORES (sqlite,postgres),
 *   DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres; a scratch database is made on it)
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Reelay } from '../src/jobs/create-reelay.js';
import { startWorkerScript, type WorkerProcess } from '../test/scale/worker-cluster.js';
import { removeDir, smallRequest, startReelay, tempDir } from '../test/support/pipeline-harness.js';

const ROUNDS = Number(process.env.RESUME_ROUNDS ?? 5);
const BASELINE_ROUNDS = Number(process.env.RESUME_BASELINE_ROUNDS ?? 2);
const STORES = (process.env.RESUME_STORES ?? 'sqlite,postgres').split(',');
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const OUT = fileURLToPath(new URL('./results/resume.json', import.meta.url));
const CHILD = fileURLToPath(new URL('./lib/resume-worker-child.ts', import.meta.url));
const LIMIT_MS = 300_000;

const pct = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  await client.query(sql);
  await client.end();
}

/** One measured round: ms from the kill to attempt 2 starting on the other worker. */
async function round(api: Reelay, workers: WorkerProcess[]): Promise<{ ms: number; killed: WorkerProcess }> {
  const job = await api.service.submit(smallRequest());
  const holder = await Promise.any(
    workers.map((w) => w.waitFor((l) => l.started === job.id, LIMIT_MS, `start of ${job.id}`).then(() => w)),
  );
  await holder.waitFor((l) => l.stage === 'script' && l.jobId === job.id, LIMIT_MS, 'script stage');
  holder.kill();
  const killedAt = Date.now();
  const resumed = await Promise.any(
    workers
      .filter((w) => w !== holder)
      .map((w) =>
        w.waitFor((l) => l.started === job.id && (l.attempt ?? 0) >= 2, LIMIT_MS, `resume of ${job.id}`),
      ),
  );
  await api.service.cancel(job.id, 'benchmark round over').catch(() => undefined);
  return { ms: (resumed.at ?? Date.now()) - killedAt, killed: holder };
}

const results: Record<string, unknown> = {
  cpus: cpus().length,
  leaseMs: 30_000,
  idlePollMs: 1_000,
  rounds: ROUNDS,
  baselineRounds: BASELINE_ROUNDS,
  loadAverage1mAtStart: loadavg()[0],
};
for (const store of STORES) {
  const dir = await tempDir(`reelay-bench-resume-${store}-`);
  const dbName = `reelay_p10resume_bench_${process.pid}`;
  const url = store === 'postgres' ? ADMIN_URL.replace(/\/[^/?]*(\?|$)/, `/${dbName}$1`) : '-';
  if (store === 'postgres') await admin(`CREATE DATABASE ${dbName}`);
  const api = await startReelay(dir, {
    worker: false,
    env: store === 'postgres' ? { DATABASE_URL: url } : {},
  });
  const perStore: Record<string, unknown> = {};
  let n = 0;
  try {
    for (const variant of ['lease', 'liveness'] as const) {
      const start = (): Promise<WorkerProcess> =>
        startWorkerScript(`${store}-${variant}-w${++n}`, CHILD, [dir, url, variant, '1800000']);
      let workers = [await start(), await start()];
      const times: number[] = [];
      const count = variant === 'lease' ? BASELINE_ROUNDS : ROUNDS;
      try {
        for (let i = 0; i < count; i += 1) {
          const r = await round(api, workers);
          times.push(r.ms);
          process.stdout.write(`${store} ${variant} round ${i + 1}: resumed ${r.ms} ms after the kill\n`);
          workers = [...workers.filter((w) => w !== r.killed), await start()];
        }
      } finally {
        await Promise.all(workers.map((w) => w.stop()));
      }
      perStore[variant] = {
        killResumeMs: times,
        p50: pct(times, 50),
        max: Math.max(...times),
        loadAverage1m: loadavg()[0],
      };
      writeFileSync(OUT, `${JSON.stringify({ ...results, [store]: perStore, partial: true }, null, 2)}\n`);
    }
  } finally {
    await api.close();
    await removeDir(dir);
    if (store === 'postgres') await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }
  results[store] = perStore;
}
results.measuredAt = new Date().toISOString();
results.loadAverage1mAtEnd = loadavg()[0];
results.note =
  'lease = baseline without holder stamps (waits for the 30 s lease, renewed every 10 s); liveness = this change. Same machine, same session.';
writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
process.exit(0);
