/**
 * Summarises a `.cpuprofile` (from `node --cpu-prof`): self time by function and by file, top N.
 * `--skip-ms N` leaves out the first N ms (start-up, module compilation); `--timeline` prints the
 * busy time per second first, to choose N.
 * Run: `node scripts/cpu-profile-summary.mjs FILE [--top N] [--skip-ms N] [--timeline]`
 */
import { readFileSync } from 'node:fs';

const file = process.argv[2];
const i = process.argv.indexOf('--top');
const top = i >= 0 ? Number(process.argv[i + 1]) : 30;
const j = process.argv.indexOf('--skip-ms');
const skipUs = j >= 0 ? Number(process.argv[j + 1]) * 1000 : 0;
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map();
const dt = profile.timeDeltas;
const idleIds = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
const timeline = [];
let t = 0;
for (let k = 0; k < profile.samples.length; k += 1) {
  t += dt[k] ?? 0;
  const second = Math.floor(t / 1e6);
  if (!idleIds.has(profile.samples[k])) timeline[second] = (timeline[second] ?? 0) + (dt[k] ?? 0);
  if (t < skipUs) continue;
  selfUs.set(profile.samples[k], (selfUs.get(profile.samples[k]) ?? 0) + (dt[k] ?? 0));
}
if (process.argv.includes('--timeline'))
  console.log(`busy ms per second: ${timeline.map((us) => Math.round((us ?? 0) / 1000)).join(' ')}`);
const fn = new Map();
const files = new Map();
let total = 0;
for (const [id, us] of selfUs) {
  const { callFrame: c } = byId.get(id);
  total += us;
  const where = c.url
    .replace(/^file:\/\//, '')
    .replace(/.*\/node_modules\//, 'nm:')
    .replace(/.*\/(src|bench|test)\//, '$1/');
  const name = `${c.functionName || '(anonymous)'} ${where}:${c.lineNumber + 1}`;
  fn.set(name, (fn.get(name) ?? 0) + us);
  const f = where || `(${c.functionName})`;
  files.set(f, (files.get(f) ?? 0) + us);
}
const idle = [...fn].filter(([n]) => n.startsWith('(idle)')).reduce((s, [, v]) => s + v, 0);
const busy = total - idle;
const show = (title, m) => {
  console.log(`\n${title} (busy ${(busy / 1000).toFixed(0)} ms)`);
  for (const [n, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
    if (!n.startsWith('(idle)') && n !== '((idle))')
      console.log(`${((100 * us) / busy).toFixed(1).padStart(5)}%  ${n}`);
};
show('self time by file', files);
show('self time by function', fn);
