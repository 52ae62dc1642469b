import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ReelayError } from '../domain/errors.js';
import type { JobRecord } from '../jobs/job-record.js';
import type { Backend } from './cli-backend.js';
import { RemoteReelayService } from './remote-reelay-service.js';

/**
 * Copies a finished job's video to `dest` (relative to `cwd`): a file copy for the embedded
 * container, a download (with resume) from a server. The file appears complete or not at all.
 * Resolves with the absolute destination.
 */
export async function saveVideo(
  backend: Backend,
  job: JobRecord,
  dest: string,
  cwd: string,
): Promise<string> {
  const target = resolve(cwd, dest);
  if (!job.output) {
    throw new ReelayError(
      'REELAY_ERR_NOT_READY',
      `Job ${job.id} has no video to save (it is ${job.status}).`,
    );
  }
  if (backend.service instanceof RemoteReelayService) {
    await backend.service.downloadVideo(job.id, target);
    return target;
  }
  await mkdir(dirname(target), { recursive: true });
  const part = `${target}.part`;
  try {
    await copyFile(job.output.path, part);
    await rename(part, target);
  } catch (error) {
    await rm(part, { force: true });
    throw new ReelayError(
      'REELAY_ERR_INTERNAL',
      `Could not copy the video ${job.output.path} to ${target} (${(error as Error).message}); choose a writable --out path.`,
      { cause: error },
    );
  }
  return target;
}
