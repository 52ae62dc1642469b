import type { JobRecord } from '../jobs/job-record.js';
import type { ReelayService } from '../jobs/reelay-service.js';
import type { CliOutput } from './cli-io.js';
import { followJob } from './job-follower.js';
import { ProgressRenderer } from './progress-renderer.js';

/**
 * Follows a job's events until it ends, printing them with a {@link ProgressRenderer} (a status
 * line redrawn in place on a terminal, plain lines otherwise). Resolves with the final job record.
 *
 * @example
 * const final = await waitForJob(reelay.service, job.id, process.stdout);
 */
export async function waitForJob(service: ReelayService, jobId: string, out: CliOutput): Promise<JobRecord> {
  const renderer = new ProgressRenderer(out);
  try {
    return await followJob(service, jobId, (event) => renderer.onEvent(event));
  } finally {
    renderer.close();
  }
}
