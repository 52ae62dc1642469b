/**
 * Runs every benchmark under bench/ one after another (never in parallel: they measure time on a
 * shared 2-core machine), each writing bench/results/<name>.json, then prints where the results are.
 * Usage: npm run bench [-- name …]
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const all = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run-all.ts')
  .map((f) => basename(f, '.ts'))
  .sort();
const chosen = wanted.length > 0 ? all.filter((n) => wanted.includes(n)) : all;
const unknown = wanted.filter((n) => !all.includes(n));
if (unknown.length > 0) {
  process.stderr.write(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${all.join(', ')}\n`);
  process.exit(2);
}
let failed = 0;
for (const name of chosen) {
  process.stdout.write(`\n=== bench/${name}.ts\n`);
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, `${name}.ts`)], {
    stdio: 'inherit',
  });
  if (run.status !== 0) failed++;
}
process.stdout.write(
  `\n${chosen.length - failed} of ${chosen.length} benchmarks ran; results in bench/results/*.json\n`,
);
process.exit(failed > 0 ? 1 : 0);
