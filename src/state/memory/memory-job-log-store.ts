import { DEFAULT_JOB_LOG_READ_LIMIT, redactLogEntry } from '../job-log-redaction.js';
import type { JobLogEntry, JobLogStore } from '../job-log-store.js';

/** In-memory {@link JobLogStore}: for tests and single-process library use. */
export class MemoryJobLogStore implements JobLogStore {
  private readonly byJob = new Map<string, JobLogEntry[]>();

  async append(jobId: string, entry: JobLogEntry): Promise<void> {
    let list = this.byJob.get(jobId);
    if (!list) {
      list = [];
      this.byJob.set(jobId, list);
    }
    list.push(structuredClone(redactLogEntry(entry)));
  }

  async read(jobId: string, limit = DEFAULT_JOB_LOG_READ_LIMIT): Promise<JobLogEntry[]> {
    const list = this.byJob.get(jobId) ?? [];
    const n = Math.max(0, Math.floor(limit));
    return n === 0 ? [] : list.slice(-n).map((e) => structuredClone(e));
  }
}
