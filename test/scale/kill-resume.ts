/**
 * One kill-and-resume round of a Redis deployment, shared by the test and bench/scale: a job is
 * submitted on API instance A, a worker process takes it, is killed with SIGKILL after the
 * narration stage's checkpoint, and another worker resumes it; the SSE client that followed the
 * job on A resumes on API instance B with the last id it saw.
 */
import type { StoredEvent } from '../../src/domain/events.js';
import type { Reelay } from '../../src/jobs/create-reelay.js';
import type { VideoRequestInput } from '../../src/pipeline/video-request.js';
import { smallRequest } from '../support/pipeline-harness.js';
import { collectUntilEnd } from './scale-harness.js';
import type { WorkerProcess } from './worker-cluster.js';

/** Three scenes with motion: the render lasts long enough for the kill to land before it ends. */
export const KILL_REQUEST: VideoRequestInput = smallRequest({
  durationMinutes: 0.4,
  options: { motion: true },
});

/** What one round observed. */
export interface KillRoundResult {
  jobId: string;
  /** The worker that was killed. */
  killed: WorkerProcess;
  /** ms from the kill to the other worker starting attempt 2. */
  resumeMs: number;
  /** Every event the client received, across both API instances, in arrival order. */
  events: StoredEvent[];
}

/** Runs one round; the caller checks the outcome and replaces the killed worker. */
export async function killAndResume(
  apiA: Reelay,
  apiB: Reelay,
  workers: readonly WorkerProcess[],
  limitMs = 120_000,
): Promise<KillRoundResult> {
  const job = await apiA.service.submit(KILL_REQUEST);
  const before: StoredEvent[] = [];
  const followA = apiA.service.subscribe(job.id, (event) => before.push(event), { afterId: 0 });
  const holder = await Promise.any(
    workers.map((w) => w.waitFor((l) => l.started === job.id, limitMs, `start of ${job.id}`).then(() => w)),
  );
  await holder.waitFor((l) => l.stage === 'narration' && l.jobId === job.id, limitMs, 'narration checkpoint');
  holder.kill();
  const killedAt = Date.now();
  followA.dispose();
  const lastSeen = before.at(-1)?.id ?? 0;
  const after = collectUntilEnd(apiB.service, job.id, lastSeen, limitMs);
  const others = workers.filter((w) => w !== holder);
  const resumed = await Promise.any(
    others.map((w) =>
      w.waitFor((l) => l.started === job.id && (l.attempt ?? 0) >= 2, limitMs, `resume of ${job.id}`),
    ),
  );
  const events = [...before, ...(await after)];
  return { jobId: job.id, killed: holder, resumeMs: (resumed.at ?? Date.now()) - killedAt, events };
}
