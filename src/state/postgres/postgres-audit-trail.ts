import type { FallbackDecision, FallbackReason } from '../../domain/fallback.js';
import { redactDeep } from '../../domain/redact.js';
import type { AuditQuery, AuditTrail } from '../audit-trail.js';
import type { PostgresDatabase } from './open-postgres.js';

/** {@link AuditTrail} on PostgreSQL; `record` is idempotent on the decision id. */
export class PostgresAuditTrail implements AuditTrail {
  constructor(private readonly db: PostgresDatabase) {}

  async record(raw: FallbackDecision): Promise<void> {
    // Reasons may quote provider errors: credentials inside URLs are removed before storing.
    const decision = redactDeep(raw);
    await this.db.pool.query(
      `INSERT INTO audit_decisions (id, job_id, reason, timestamp, data)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
      [decision.id, decision.jobId, decision.reason, decision.timestamp, JSON.stringify(decision)],
    );
  }

  async history(jobId: string): Promise<FallbackDecision[]> {
    const { rows } = await this.db.pool.query<{ data: FallbackDecision }>(
      'SELECT data FROM audit_decisions WHERE job_id = $1 ORDER BY seq',
      [jobId],
    );
    return rows.map((r) => r.data);
  }

  async query(query: AuditQuery): Promise<FallbackDecision[]> {
    const { rows } = await this.db.pool.query<{ data: FallbackDecision }>(
      `SELECT data FROM audit_decisions
       WHERE ($1::text IS NULL OR job_id = $1) AND ($2::text IS NULL OR reason = $2)
       ORDER BY seq DESC LIMIT $3`,
      [query.jobId ?? null, query.reason ?? null, Math.max(0, query.limit ?? 100)],
    );
    return rows.map((r) => r.data);
  }

  async countByReason(): Promise<Partial<Record<FallbackReason, number>>> {
    const { rows } = await this.db.pool.query<{ reason: FallbackReason; n: number }>(
      'SELECT reason, COUNT(*)::int AS n FROM audit_decisions GROUP BY reason ORDER BY reason',
    );
    const counts: Partial<Record<FallbackReason, number>> = {};
    for (const r of rows) counts[r.reason] = r.n;
    return counts;
  }
}
