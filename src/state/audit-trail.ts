import type { FallbackDecision, FallbackReason } from '../domain/fallback.js';

/** Filter for {@link AuditTrail.query}. */
export interface AuditQuery {
  jobId?: string;
  reason?: FallbackReason;
  /** Newest first, at most this many. @default 100 */
  limit?: number;
}

/**
 * The audit trail of fallback decisions: every switch, asked or automatic, and every
 * degradation. Append-only. Implementations: memory, SQLite (embedded), PostgreSQL.
 */
export interface AuditTrail {
  /** Appends a decision; idempotent on `decision.id`. */
  record(decision: FallbackDecision): Promise<void>;
  /** Decisions of one job in the order they were made (empty when none; never null). */
  history(jobId: string): Promise<FallbackDecision[]>;
  /** Decisions across jobs, newest first. */
  query(query: AuditQuery): Promise<FallbackDecision[]>;
  /** Number of decisions per reason code (all jobs). */
  countByReason(): Promise<Partial<Record<FallbackReason, number>>>;
}
