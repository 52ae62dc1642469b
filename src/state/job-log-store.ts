/** Severity of a job log entry. */
export type JobLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One line of a job's log, as shown to its user. */
export interface JobLogEntry {
  level: JobLogLevel;
  message: string;
  /** Structured facts (never secrets), JSON. */
  fields?: Record<string, unknown>;
  /** ISO-8601 time of the entry. */
  timestamp: string;
}

/**
 * The per-job log a user can read (what the pipeline did, stage by stage). Key-shaped strings
 * and bearer tokens are redacted on append, as a last line of defence.
 */
export interface JobLogStore {
  /** Appends an entry to a job's log. */
  append(jobId: string, entry: JobLogEntry): Promise<void>;
  /** The last `limit` entries of a job (default 200), oldest first; empty when none. */
  read(jobId: string, limit?: number): Promise<JobLogEntry[]>;
}
