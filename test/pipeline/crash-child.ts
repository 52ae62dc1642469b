/**
 * Child process of crash-resume.test.ts: `node --import tsx test/pipeline/crash-child.ts <dataDir>
 * <leaseMs>`. Creates a container on the data directory, submits a small job, and prints one JSON
 * line per milestone: `{"jobId"}` after the submit, `{"narrated":true}` once the narration stage
 * is complete, `{"rendering":true}` when the render stage starts. The parent then kills it with SIGKILL; it never exits on its own before that
 * (a 180 s guard aside).
 */
import { startReelay } from '../support/pipeline-harness.js';
import { CRASH_REQUEST } from './crash-request.js';

const [dataDir, leaseArg] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: crash-child.ts <dataDir> <leaseMs>');

const reelay = await startReelay(dataDir, { leaseMs: Number(leaseArg ?? 1500) });
const job = await reelay.service.submit(CRASH_REQUEST);
process.stdout.write(`${JSON.stringify({ jobId: job.id })}\n`);
reelay.service.subscribe(job.id, (event) => {
  if (event.type === 'stage-complete' && event.stage === 'narration') {
    process.stdout.write(`${JSON.stringify({ narrated: true })}\n`);
  }
  if (event.type === 'stage-started' && event.stage === 'render') {
    process.stdout.write(`${JSON.stringify({ rendering: true })}\n`);
  }
});
// A guard so a forgotten child never outlives the test run.
setTimeout(() => process.exit(3), 180_000);
