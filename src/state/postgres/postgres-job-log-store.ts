import { DEFAULT_JOB_LOG_READ_LIMIT, redactLogEntry } from '../job-log-redaction.js';
import type { JobLogEntry, JobLogLevel, JobLogStore } from '../job-log-store.js';
import type { PostgresDatabase } from './open-postgres.js';

interface LogRow {
  level: string;
  message: string;
  fields: Record<string, unknown> | null;
  timestamp: string;
}

/** {@link JobLogStore} on PostgreSQL. */
export class PostgresJobLogStore implements JobLogStore {
  constructor(private readonly db: PostgresDatabase) {}

  async append(jobId: string, entry: JobLogEntry): Promise<void> {
    const clean = redactLogEntry(entry);
    await this.db.pool.query(
      'INSERT INTO job_logs (job_id, level, message, fields, timestamp) VALUES ($1, $2, $3, $4, $5)',
      [
        jobId,
        clean.level,
        clean.message,
        clean.fields === undefined ? null : JSON.stringify(clean.fields),
        clean.timestamp,
      ],
    );
  }

  async read(jobId: string, limit = DEFAULT_JOB_LOG_READ_LIMIT): Promise<JobLogEntry[]> {
    const n = Math.max(0, Math.floor(limit));
    if (n === 0) return [];
    const { rows } = await this.db.pool.query<LogRow>(
      `SELECT level, message, fields, timestamp FROM (
         SELECT seq, level, message, fields, timestamp FROM job_logs WHERE job_id = $1 ORDER BY seq DESC LIMIT $2
       ) AS tail ORDER BY seq ASC`,
      [jobId, n],
    );
    return rows.map((r) => {
      const entry: JobLogEntry = {
        level: r.level as JobLogLevel,
        message: r.message,
        timestamp: r.timestamp,
      };
      if (r.fields !== null) entry.fields = r.fields;
      return entry;
    });
  }
}
