import type {
  PendingDecisionStore,
  SpendRecord,
  SpendStore,
  SpendTotalQuery,
  StoredPendingDecision,
} from '../router-state.js';
import type { PostgresDatabase } from './open-postgres.js';

/** {@link SpendStore} on PostgreSQL: budgets survive restarts and are shared by every process. */
export class PostgresSpendStore implements SpendStore {
  constructor(private readonly db: PostgresDatabase) {}

  async add(record: SpendRecord): Promise<void> {
    await this.db.pool.query('INSERT INTO spend (provider, job_id, usd, at) VALUES ($1, $2, $3, $4)', [
      record.provider,
      record.jobId ?? null,
      record.usd,
      record.at,
    ]);
  }

  async total(query: SpendTotalQuery): Promise<number> {
    const { rows } = await this.db.pool.query<{ total: number }>(
      `SELECT COALESCE(SUM(usd), 0)::float8 AS total FROM spend
       WHERE ($1::text IS NULL OR job_id = $1) AND ($2::text IS NULL OR provider = $2)
         AND ($3::bigint IS NULL OR at >= $3)`,
      [query.jobId ?? null, query.provider ?? null, query.sinceMs ?? null],
    );
    return Number(rows[0]?.total ?? 0);
  }
}

/** {@link PendingDecisionStore} on PostgreSQL. */
export class PostgresPendingDecisionStore implements PendingDecisionStore {
  constructor(private readonly db: PostgresDatabase) {}

  async put(decision: StoredPendingDecision): Promise<void> {
    await this.db.pool.query(
      `INSERT INTO pending_decisions (job_id, decision_id, requested_at, data) VALUES ($1, $2, $3, $4)
       ON CONFLICT (job_id) DO UPDATE SET decision_id = EXCLUDED.decision_id,
         requested_at = EXCLUDED.requested_at, data = EXCLUDED.data`,
      [decision.jobId, decision.decisionId, decision.requestedAt, JSON.stringify(decision.data)],
    );
  }

  async get(jobId: string): Promise<StoredPendingDecision | undefined> {
    const { rows } = await this.db.pool.query<Row>('SELECT * FROM pending_decisions WHERE job_id = $1', [
      jobId,
    ]);
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  async remove(jobId: string, decisionId: string): Promise<void> {
    await this.db.pool.query('DELETE FROM pending_decisions WHERE job_id = $1 AND decision_id = $2', [
      jobId,
      decisionId,
    ]);
  }

  async list(): Promise<StoredPendingDecision[]> {
    const { rows } = await this.db.pool.query<Row>('SELECT * FROM pending_decisions ORDER BY requested_at');
    return rows.map(fromRow);
  }
}

interface Row {
  job_id: string;
  decision_id: string;
  requested_at: string;
  data: Record<string, unknown>;
}

const fromRow = (r: Row): StoredPendingDecision => ({
  jobId: r.job_id,
  decisionId: r.decision_id,
  requestedAt: r.requested_at,
  data: r.data,
});
