/**
 * Child process of decision-crash.test.ts: `node --import tsx test/pipeline/decision-crash-child.ts
 * <dataDir>`. A worker whose chosen TTS (`flaky-tts`) always fails; it submits an `ask` job and
 * prints `{"jobId"}`, then `{"decisionId"}` once the job waits on a decision. The parent kills it
 * with SIGKILL while the decision is pending (a 180 s guard aside).
 */
import { smallRequest, startReelay } from '../support/pipeline-harness.js';
import { MisbehavingTts } from './test-providers.js';

const [dataDir] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: decision-crash-child.ts <dataDir>');

const reelay = await startReelay(dataDir, {
  providers: [new MisbehavingTts({ id: 'flaky-tts' })],
  leaseMs: 30_000,
});
const job = await reelay.service.submit(
  smallRequest({ fallbackPolicy: 'ask', providers: { tts: 'flaky-tts' }, options: { subtitles: false } }),
);
process.stdout.write(`${JSON.stringify({ jobId: job.id })}\n`);
reelay.service.subscribe(job.id, (event) => {
  if (event.type === 'decision-required') {
    process.stdout.write(`${JSON.stringify({ decisionId: event.decisionId })}\n`);
  }
});
setTimeout(() => process.exit(3), 180_000);
