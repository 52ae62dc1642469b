import type { FallbackDecision, FallbackReason } from '../../domain/fallback.js';
import { redactDeep } from '../../domain/redact.js';
import type { AuditQuery, AuditTrail } from '../audit-trail.js';
import type { SqliteDatabase } from './open-sqlite.js';
import { prepared } from './prepared.js';

const parse = (r: { data: string }): FallbackDecision => JSON.parse(r.data) as FallbackDecision;

/** {@link AuditTrail} on the embedded SQLite file; `record` is idempotent on the decision id. */
export class SqliteAuditTrail implements AuditTrail {
  constructor(private readonly db: SqliteDatabase) {}

  async record(raw: FallbackDecision): Promise<void> {
    // Reasons may quote provider errors: credentials inside URLs are removed before storing.
    const decision = redactDeep(raw);
    prepared(
      this.db,
      `INSERT INTO audit_decisions (id, job_id, reason, timestamp, data)
         VALUES (:id, :jobId, :reason, :timestamp, :data) ON CONFLICT (id) DO NOTHING`,
    ).run({
      id: decision.id,
      jobId: decision.jobId,
      reason: decision.reason,
      timestamp: decision.timestamp,
      data: JSON.stringify(decision),
    });
  }

  async history(jobId: string): Promise<FallbackDecision[]> {
    const rows = prepared(this.db, 'SELECT data FROM audit_decisions WHERE job_id = :jobId ORDER BY seq').all(
      { jobId },
    ) as Array<{ data: string }>;
    return rows.map(parse);
  }

  async query(query: AuditQuery): Promise<FallbackDecision[]> {
    const rows = prepared(
      this.db,
      `SELECT data FROM audit_decisions
         WHERE (:jobId IS NULL OR job_id = :jobId) AND (:reason IS NULL OR reason = :reason)
         ORDER BY seq DESC LIMIT :n`,
    ).all({
      jobId: query.jobId ?? null,
      reason: query.reason ?? null,
      n: Math.max(0, query.limit ?? 100),
    }) as Array<{
      data: string;
    }>;
    return rows.map(parse);
  }

  async countByReason(): Promise<Partial<Record<FallbackReason, number>>> {
    const rows = prepared(
      this.db,
      'SELECT reason, COUNT(*) AS n FROM audit_decisions GROUP BY reason ORDER BY reason',
    ).all() as Array<{ reason: FallbackReason; n: number }>;
    const counts: Partial<Record<FallbackReason, number>> = {};
    for (const r of rows) counts[r.reason] = r.n;
    return counts;
  }
}
