/** One schema change of the PostgreSQL store, applied once, in order, inside a transaction. */
export interface PostgresMigration {
  /** Schema version after this migration (1, 2, 3, … without gaps). */
  version: number;
  description: string;
  sql: string;
}

/**
 * The schema of the PostgreSQL store (same shape as the SQLite one). Append new migrations;
 * never edit a released one. Runs with `search_path` set to the store's schema.
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    description: 'jobs, checkpoints, job logs, event log, audit trail',
    sql: `
      CREATE TABLE jobs (
        seq BIGSERIAL PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL,
        lease_expires_at BIGINT,
        version INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        data JSONB NOT NULL
      );
      CREATE INDEX jobs_status_seq ON jobs (status, seq);
      CREATE TABLE checkpoints (
        seq BIGSERIAL PRIMARY KEY,
        job_id TEXT NOT NULL,
        step_id TEXT NOT NULL,
        artifact_path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size_bytes BIGINT NOT NULL,
        meta JSONB NOT NULL,
        completed_at TEXT NOT NULL,
        UNIQUE (job_id, step_id)
      );
      CREATE TABLE job_logs (
        seq BIGSERIAL PRIMARY KEY,
        job_id TEXT NOT NULL,
        level TEXT NOT NULL,
        message TEXT NOT NULL,
        fields JSONB,
        timestamp TEXT NOT NULL
      );
      CREATE INDEX job_logs_job_seq ON job_logs (job_id, seq);
      CREATE TABLE events (
        job_id TEXT NOT NULL,
        id INTEGER NOT NULL,
        type TEXT NOT NULL,
        timestamp TEXT NOT NULL,
        data JSONB NOT NULL,
        PRIMARY KEY (job_id, id)
      );
      CREATE TABLE audit_decisions (
        seq BIGSERIAL PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        job_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        timestamp TEXT NOT NULL,
        data JSONB NOT NULL
      );
      CREATE INDEX audit_decisions_job_seq ON audit_decisions (job_id, seq);
    `,
  },
  {
    version: 2,
    description: 'router state: spend against budgets, pending decisions',
    sql: `
      CREATE TABLE spend (
        seq BIGSERIAL PRIMARY KEY,
        provider TEXT NOT NULL,
        job_id TEXT,
        usd DOUBLE PRECISION NOT NULL,
        at BIGINT NOT NULL
      );
      CREATE INDEX spend_provider_at ON spend (provider, at);
      CREATE INDEX spend_job ON spend (job_id);
      CREATE TABLE pending_decisions (
        job_id TEXT PRIMARY KEY,
        decision_id TEXT NOT NULL,
        requested_at TEXT NOT NULL,
        data JSONB NOT NULL
      );
    `,
  },
  {
    version: 3,
    description: 'event ids are BIGINT: the API accepts any Last-Event-ID up to 15 digits',
    sql: 'ALTER TABLE events ALTER COLUMN id TYPE BIGINT;',
  },
  {
    version: 4,
    description: 'upstream attempts of the OpenAI-compatible endpoint (the attempt side of the audit trail)',
    sql: `
      CREATE TABLE upstream_attempts (
        seq BIGSERIAL PRIMARY KEY,
        audit_key TEXT NOT NULL,
        started_at BIGINT NOT NULL,
        data JSONB NOT NULL
      );
      CREATE INDEX upstream_attempts_key_seq ON upstream_attempts (audit_key, seq);
      CREATE INDEX upstream_attempts_started ON upstream_attempts (started_at);
    `,
  },
  {
    version: 5,
    description: 'event ids from a counter row per job: one statement (one round trip) per append',
    sql: `
      CREATE TABLE event_seq (
        job_id TEXT PRIMARY KEY,
        last BIGINT NOT NULL
      );
      INSERT INTO event_seq (job_id, last) SELECT job_id, MAX(id) FROM events GROUP BY job_id;
    `,
  },
];
