/**
 * Hostile-input fuzz: a seeded stream of malformed and hostile requests (NUL and lone surrogates in
 * every field, bad escapes, over-long ids, out-of-range Last-Event-IDs, broken JSON, raw request
 * lines the HTTP parser rejects, …) against a real server process on SQLite and on PostgreSQL (API
 * only: accepted jobs stay queued, cancels and decisions reach the store). Goal: 0 5xx and every
 * error answer problem details with the echoed correlation id. Writes bench/results/fuzz.json.
 *
 * Run: `npx tsx bench/fuzz.ts [--count N] [--seed N] [--store sqlite|postgres|both]`
 * (PostgreSQL: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres; a scratch
 * database is created and dropped).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { type FuzzTally, runFuzz } from '../test/support/hostile-requests.js';
import { spawnServer } from './lib/spawn-server.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : (process.argv[i + 1] ?? fallback);
};
const COUNT = Number(arg('count', '10000'));
const SEED = Number(arg('seed', '1201'));
const STORES = arg('store', 'both') === 'both' ? ['sqlite', 'postgres'] : [arg('store', 'sqlite')];
const ADMIN_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'results', 'fuzz.json');

async function seedJobs(port: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/api/video/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ brief: `Fuzz seed job ${i}: how tides work for curious kids` }),
    });
    ids.push(((await res.json()) as { jobId: string }).jobId);
  }
  return ids;
}

async function runOn(store: string): Promise<FuzzTally & { store: string; seconds: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'reelay-fuzz-'));
  const env: Record<string, string> = {
    REELAY_DATA_DIR: dir,
    REELAY_CONFIG: join(dir, 'reelay.config.json'),
  };
  await writeFile(
    env.REELAY_CONFIG as string,
    JSON.stringify({ server: { generateRatePerMinute: 100_000 } }),
  );
  const dbName = `reelay_fuzz_${process.pid}`;
  let admin: pg.Client | undefined;
  if (store === 'postgres') {
    admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${dbName}`;
    env.DATABASE_URL = url.href;
  } else {
    env.DATABASE_URL = '';
  }
  const server = await spawnServer(env, ['--no-worker']);
  const started = Date.now();
  try {
    const jobIds = await seedJobs(server.port);
    const tally = await runFuzz(server.port, { seed: SEED, count: COUNT, concurrency: 8, jobIds });
    return { store, seconds: Math.round((Date.now() - started) / 100) / 10, ...tally };
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
    if (admin) {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
      await admin.end();
    }
  }
}

const runs = [];
for (const store of STORES) {
  const run = await runOn(store);
  runs.push(run);
  const pct = run.errorResponses === 0 ? 100 : (run.problemDetailsWithCorrelation / run.errorResponses) * 100;
  process.stdout.write(
    `${store}: ${run.requests} requests in ${run.seconds} s · 5xx ${run.serverErrors} · error answers ${run.errorResponses}, ` +
      `problem details with correlation id ${pct.toFixed(2)} % · ${JSON.stringify(run.byStatus)}\n`,
  );
  for (const f of run.failures) process.stdout.write(`  ✗ ${f}\n`);
}
await writeFile(
  RESULTS,
  `${JSON.stringify({ date: new Date().toISOString(), seed: SEED, count: COUNT, runs }, null, 2)}\n`,
);
