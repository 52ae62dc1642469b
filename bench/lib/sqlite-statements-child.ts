/**
 * One process of bench/sqlite-statements.ts: opens the SQLite stores on `<file>` and runs the
 * stores' two most frequent reads (a job by id, a page of the job list) `n` times, compiling each
 * statement per call (`per-call`, as the stores did until 2026-12-02) or once (`cached`, what
 * `prepared()` does). Prints one JSON line: glibc's main heap (`[heap]` in /proc/self/smaps) before,
 * at its largest and at the end, and the time per pair of reads.
 * Run only by bench/sqlite-statements.ts: `node --import tsx sqlite-statements-child.ts <file> <mode> <n>`.
 */
import { readFileSync } from 'node:fs';
import { openSqlite } from '../../src/state/sqlite/open-sqlite.js';
import { prepared } from '../../src/state/sqlite/prepared.js';

/** Resident KiB of the `[heap]` mapping (glibc's main arena). */
function heapKb(): number {
  let inHeap = false;
  let kb = 0;
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) inHeap = line.endsWith('[heap]');
    else if (inHeap && line.startsWith('Rss:')) kb += Number(line.split(/\s+/)[1]);
  }
  return kb;
}

const [file, mode, count] = process.argv.slice(2);
const n = Number(count ?? 50_000);
const db = openSqlite(file as string);
const statement = (sql: string) => (mode === 'cached' ? prepared(db, sql) : db.prepare(sql));
const ids = (db.prepare('SELECT id FROM jobs').all() as { id: string }[]).map((r) => r.id);
const before = heapKb();
let peak = before;
const started = process.hrtime.bigint();
for (let i = 0; i < n; i++) {
  const row = statement('SELECT seq, data FROM jobs WHERE id = :id').get({ id: ids[i % ids.length] }) as {
    data: string;
  };
  JSON.parse(row.data);
  statement(
    `SELECT seq, data FROM jobs
         WHERE seq < :before AND (:status IS NULL OR status = :status)
         ORDER BY seq DESC LIMIT :n`,
  ).all({ before: Number.MAX_SAFE_INTEGER, status: i % 2 ? 'queued' : null, n: 21 });
  if (i % 200 === 0) {
    // Let the event loop turn as a server's would (finalizers of collected statements run then).
    await new Promise((r) => setImmediate(r));
    peak = Math.max(peak, heapKb());
  }
}
const usPerPair = Number(process.hrtime.bigint() - started) / n / 1000;
await new Promise((r) => setTimeout(r, 200));
const end = heapKb();
db.close();
process.stdout.write(
  `${JSON.stringify({ heapBeforeKb: before, heapPeakKb: Math.max(peak, end), heapEndKb: end, usPerPair })}\n`,
);
