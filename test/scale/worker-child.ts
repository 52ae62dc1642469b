/**
 * A worker process of a Redis deployment, for the scale-out tests and benchmarks:
 * `node --import tsx test/scale/worker-child.ts <dataDir> <redisPrefix> [concurrency] [guardMs]`.
 * Prints one JSON line per milestone: `{"ready":true}`, `{"started":jobId,"attempt":n}` when it
 * starts (or resumes) a job, `{"stage":name,"jobId":id}` when a stage completes.
 */
import type { EventLog } from '../../src/state/event-log.js';
import { startReelay } from '../support/pipeline-harness.js';
import { startEventTrace } from './event-trace.js';
import { scaleEnv } from './scale-harness.js';

const [dataDir, prefix, concurrency, guardMs] = process.argv.slice(2);
if (!dataDir || !prefix)
  throw new Error('usage: worker-child.ts <dataDir> <redisPrefix> [concurrency] [guardMs]');

const reelay = await startReelay(dataDir, { env: scaleEnv(prefix, Number(concurrency ?? 1)), worker: true });
const say = (line: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};
reelay.sink.onStored((event) => {
  if (event.type === 'job-started') say({ started: event.jobId, attempt: event.attempt, at: Date.now() });
  if (event.type === 'stage-complete') say({ stage: event.stage, jobId: event.jobId });
  if (event.type === 'done') say({ done: event.jobId, at: Date.now() });
});
// SCALE_TRACE=<dir> (benchmarks): trace the event path of this worker into <dir>/worker-<pid>.json.
const traceDir = process.env.SCALE_TRACE;
const writeTrace = traceDir
  ? startEventTrace(
      traceDir,
      `worker-${process.pid}`,
      (reelay.stores.events as unknown as { options?: { durable?: EventLog } }).options?.durable,
    )
  : undefined;
say({ ready: true });
// A guard so a forgotten child never outlives its test run.
setTimeout(() => process.exit(3), Number(guardMs ?? 180_000)).unref();
process.stdin.resume();
process.on('SIGTERM', () => {
  writeTrace?.();
  void reelay.close().then(() => process.exit(0));
});
