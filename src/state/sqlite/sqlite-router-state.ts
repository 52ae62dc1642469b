import type {
  PendingDecisionStore,
  SpendRecord,
  SpendStore,
  SpendTotalQuery,
  StoredPendingDecision,
} from '../router-state.js';
import type { SqliteDatabase } from './open-sqlite.js';
import { prepared } from './prepared.js';

/** {@link SpendStore} on the SQLite file: budgets survive a restart and are shared by its processes. */
export class SqliteSpendStore implements SpendStore {
  constructor(private readonly db: SqliteDatabase) {}

  async add(record: SpendRecord): Promise<void> {
    prepared(
      this.db,
      'INSERT INTO spend (provider, job_id, usd, at) VALUES (:provider, :jobId, :usd, :at)',
    ).run({ provider: record.provider, jobId: record.jobId ?? null, usd: record.usd, at: record.at });
  }

  async total(query: SpendTotalQuery): Promise<number> {
    const row = prepared(
      this.db,
      `SELECT COALESCE(SUM(usd), 0) AS total FROM spend
         WHERE (:jobId IS NULL OR job_id = :jobId) AND (:provider IS NULL OR provider = :provider)
           AND (:since IS NULL OR at >= :since)`,
    ).get({
      jobId: query.jobId ?? null,
      provider: query.provider ?? null,
      since: query.sinceMs ?? null,
    }) as {
      total: number;
    };
    return row.total;
  }
}

/** {@link PendingDecisionStore} on the SQLite file. */
export class SqlitePendingDecisionStore implements PendingDecisionStore {
  constructor(private readonly db: SqliteDatabase) {}

  async put(decision: StoredPendingDecision): Promise<void> {
    prepared(
      this.db,
      `INSERT INTO pending_decisions (job_id, decision_id, requested_at, data)
         VALUES (:jobId, :decisionId, :requestedAt, :data)
         ON CONFLICT (job_id) DO UPDATE SET decision_id = excluded.decision_id,
           requested_at = excluded.requested_at, data = excluded.data`,
    ).run({
      jobId: decision.jobId,
      decisionId: decision.decisionId,
      requestedAt: decision.requestedAt,
      data: JSON.stringify(decision.data),
    });
  }

  async get(jobId: string): Promise<StoredPendingDecision | undefined> {
    const row = prepared(this.db, 'SELECT * FROM pending_decisions WHERE job_id = :jobId').get({ jobId }) as
      | Row
      | undefined;
    return row ? fromRow(row) : undefined;
  }

  async remove(jobId: string, decisionId: string): Promise<void> {
    prepared(
      this.db,
      'DELETE FROM pending_decisions WHERE job_id = :jobId AND decision_id = :decisionId',
    ).run({ jobId, decisionId });
  }

  async list(): Promise<StoredPendingDecision[]> {
    const rows = prepared(this.db, 'SELECT * FROM pending_decisions ORDER BY requested_at').all() as Row[];
    return rows.map(fromRow);
  }
}

interface Row {
  job_id: string;
  decision_id: string;
  requested_at: string;
  data: string;
}

const fromRow = (r: Row): StoredPendingDecision => ({
  jobId: r.job_id,
  decisionId: r.decision_id,
  requestedAt: r.requested_at,
  data: JSON.parse(r.data) as Record<string, unknown>,
});
