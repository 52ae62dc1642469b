import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Receives what a job's work leaves on the machine while it runs: child process groups (FFmpeg,
 * ffprobe, TTS engines) and temporary files. A job attempt records them so that, if its worker
 * dies, the attempt that resumes the job can end the groups and remove the files.
 */
export interface WorkTracker {
  /** A child started as the leader of its own process group `pgid`. */
  childStarted(pgid: number): void;
  /** That child (and its group) has exited. */
  childEnded(pgid: number): void;
  /** A temporary file or directory was created (it may not exist yet). */
  tempCreated(path: string): void;
  /** That temporary path was renamed into place or removed. */
  tempSettled(path: string): void;
}

const storage = new AsyncLocalStorage<WorkTracker>();

/** Runs `work` with `tracker` receiving the children and temporary files it creates. */
export function runTracked<T>(tracker: WorkTracker, work: () => Promise<T>): Promise<T> {
  return storage.run(tracker, work);
}

/** The tracker of the work now running, if any. */
export function currentWorkTracker(): WorkTracker | undefined {
  return storage.getStore();
}

/**
 * Tracks a temporary path for the duration of `use`: recorded before, settled after (whatever
 * the outcome), so only paths left by a dead process stay on record.
 */
export async function withTrackedTemp<T>(path: string, use: () => Promise<T>): Promise<T> {
  const tracker = currentWorkTracker();
  tracker?.tempCreated(path);
  try {
    return await use();
  } finally {
    tracker?.tempSettled(path);
  }
}
