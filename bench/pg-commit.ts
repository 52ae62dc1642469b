/**
 * The floor of a PostgreSQL event append: one single-row INSERT committed with
 * `synchronous_commit` on (waits for the WAL flush) and off, alternately, 150 each per round,
 * 20 ms apart. Prints p50/p90/p99 per round with the load average.
 * Usage: npx tsx bench/pg-commit.ts   (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres)
 */
import { loadavg } from 'node:os';
import pg from 'pg';

const client = new pg.Client({
  connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
});
await client.connect();
const table = `reelay_commit_probe_${process.pid}`;
await client.query(`CREATE TABLE ${table} (x int)`);
try {
  for (const mode of ['on', 'off', 'on', 'off']) {
    await client.query(`SET synchronous_commit = ${mode}`);
    const ms: number[] = [];
    for (let i = 0; i < 150; i += 1) {
      const t0 = performance.now();
      await client.query(`INSERT INTO ${table} VALUES (1)`);
      ms.push(performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    ms.sort((a, b) => a - b);
    const at = (p: number): string => (ms[Math.ceil((p / 100) * ms.length) - 1] ?? Number.NaN).toFixed(2);
    process.stdout.write(
      `synchronous_commit=${mode}: p50 ${at(50)} ms, p90 ${at(90)} ms, p99 ${at(99)} ms (load ${(loadavg()[0] ?? 0).toFixed(1)})\n`,
    );
  }
} finally {
  await client.query(`DROP TABLE ${table}`);
  await client.end();
}
