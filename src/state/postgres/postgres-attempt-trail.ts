import { redactDeep } from '../../domain/redact.js';
import type { AttemptTrail, UpstreamAttemptRecord } from '../attempt-trail.js';
import type { PostgresDatabase } from './open-postgres.js';

/**
 * {@link AttemptTrail} on PostgreSQL: one row per attempt (the record as JSONB), a batch appended
 * in one multi-row INSERT. Every API instance on the database serves every instance's attempts.
 */
export class PostgresAttemptTrail implements AttemptTrail {
  constructor(private readonly db: PostgresDatabase) {}

  async append(records: readonly UpstreamAttemptRecord[]): Promise<void> {
    if (records.length === 0) return;
    const values: unknown[] = [];
    const rows: string[] = [];
    for (const raw of records) {
      // Reasons may quote provider errors: credentials inside URLs are removed before storing.
      const r = redactDeep(raw);
      const n = values.length;
      rows.push(`($${n + 1}, $${n + 2}, $${n + 3})`);
      values.push(r.key, Date.parse(r.startedAt) || 0, JSON.stringify(r));
    }
    await this.db.pool.query(
      `INSERT INTO upstream_attempts (audit_key, started_at, data) VALUES ${rows.join(', ')}`,
      values,
    );
  }

  async history(key: string): Promise<UpstreamAttemptRecord[]> {
    const { rows } = await this.db.pool.query<{ data: UpstreamAttemptRecord }>(
      'SELECT data FROM upstream_attempts WHERE audit_key = $1 ORDER BY seq',
      [key],
    );
    return rows.map((r) => r.data);
  }

  async prune(startedBefore: number): Promise<number> {
    const result = await this.db.pool.query('DELETE FROM upstream_attempts WHERE started_at < $1', [
      startedBefore,
    ]);
    return result.rowCount ?? 0;
  }
}
