import { DEFAULT_JOB_LOG_READ_LIMIT, redactLogEntry } from '../job-log-redaction.js';
import type { JobLogEntry, JobLogLevel, JobLogStore } from '../job-log-store.js';
import type { SqliteDatabase } from './open-sqlite.js';
import { prepared } from './prepared.js';

interface LogRow {
  level: string;
  message: string;
  fields: string | null;
  timestamp: string;
}

/** {@link JobLogStore} on the embedded SQLite file. */
export class SqliteJobLogStore implements JobLogStore {
  constructor(private readonly db: SqliteDatabase) {}

  async append(jobId: string, entry: JobLogEntry): Promise<void> {
    const clean = redactLogEntry(entry);
    prepared(
      this.db,
      `INSERT INTO job_logs (job_id, level, message, fields, timestamp)
         VALUES (:jobId, :level, :message, :fields, :timestamp)`,
    ).run({
      jobId,
      level: clean.level,
      message: clean.message,
      fields: clean.fields === undefined ? null : JSON.stringify(clean.fields),
      timestamp: clean.timestamp,
    });
  }

  async read(jobId: string, limit = DEFAULT_JOB_LOG_READ_LIMIT): Promise<JobLogEntry[]> {
    const n = Math.max(0, Math.floor(limit));
    if (n === 0) return [];
    const rows = prepared(
      this.db,
      `SELECT level, message, fields, timestamp FROM (
           SELECT seq, level, message, fields, timestamp FROM job_logs
           WHERE job_id = :jobId ORDER BY seq DESC LIMIT :n
         ) ORDER BY seq ASC`,
    ).all({ jobId, n }) as LogRow[];
    return rows.map((r) => {
      const entry: JobLogEntry = {
        level: r.level as JobLogLevel,
        message: r.message,
        timestamp: r.timestamp,
      };
      if (r.fields !== null) entry.fields = JSON.parse(r.fields) as Record<string, unknown>;
      return entry;
    });
  }
}
