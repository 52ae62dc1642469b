/** One schema change of the SQLite store, applied once, in order, inside a transaction. */
export interface SqliteMigration {
  /** Schema version after this migration (1, 2, 3, … without gaps). */
  version: number;
  description: string;
  sql: string;
}

/**
 * The schema of the SQLite store. Append new migrations; never edit a released one.
 * JSON columns hold the full record so that adding a field needs no migration; the other
 * columns exist for lookups, ordering and atomic conditions.
 */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    description: 'jobs, checkpoints, job logs, event log, audit trail',
    sql: `
      CREATE TABLE jobs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL,
        lease_expires_at INTEGER,
        version INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX jobs_status_seq ON jobs (status, seq);
      CREATE TABLE checkpoints (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id TEXT NOT NULL,
        step_id TEXT NOT NULL,
        artifact_path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        meta TEXT NOT NULL,
        completed_at TEXT NOT NULL,
        UNIQUE (job_id, step_id)
      );
      CREATE TABLE job_logs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id TEXT NOT NULL,
        level TEXT NOT NULL,
        message TEXT NOT NULL,
        fields TEXT,
        timestamp TEXT NOT NULL
      );
      CREATE INDEX job_logs_job_seq ON job_logs (job_id, seq);
      CREATE TABLE events (
        job_id TEXT NOT NULL,
        id INTEGER NOT NULL,
        type TEXT NOT NULL,
        timestamp TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (job_id, id)
      );
      CREATE TABLE audit_decisions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        job_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        timestamp TEXT NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX audit_decisions_job_seq ON audit_decisions (job_id, seq);
    `,
  },
  {
    version: 2,
    description: 'router state: spend against budgets, pending decisions',
    sql: `
      CREATE TABLE spend (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        provider TEXT NOT NULL,
        job_id TEXT,
        usd REAL NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE INDEX spend_provider_at ON spend (provider, at);
      CREATE INDEX spend_job ON spend (job_id);
      CREATE TABLE pending_decisions (
        job_id TEXT PRIMARY KEY,
        decision_id TEXT NOT NULL,
        requested_at TEXT NOT NULL,
        data TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    description: 'upstream attempts of the OpenAI-compatible endpoint (the attempt side of the audit trail)',
    sql: `
      CREATE TABLE upstream_attempts (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        audit_key TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX upstream_attempts_key_seq ON upstream_attempts (audit_key, seq);
      CREATE INDEX upstream_attempts_started ON upstream_attempts (started_at);
    `,
  },
];
