import type { Checkpoint, CheckpointStore } from '../checkpoint-store.js';
import type { PostgresDatabase } from './open-postgres.js';

interface CheckpointRow {
  job_id: string;
  step_id: string;
  artifact_path: string;
  sha256: string;
  size_bytes: string;
  meta: Record<string, unknown>;
  completed_at: string;
}

const fromRow = (r: CheckpointRow): Checkpoint => ({
  jobId: r.job_id,
  stepId: r.step_id,
  artifactPath: r.artifact_path,
  sha256: r.sha256,
  sizeBytes: Number(r.size_bytes),
  meta: r.meta,
  completedAt: r.completed_at,
});

const SELECT =
  'SELECT job_id, step_id, artifact_path, sha256, size_bytes, meta, completed_at FROM checkpoints';

/** {@link CheckpointStore} on PostgreSQL; `put` is one atomic upsert. */
export class PostgresCheckpointStore implements CheckpointStore {
  constructor(private readonly db: PostgresDatabase) {}

  async put(c: Checkpoint): Promise<void> {
    await this.db.pool.query(
      `INSERT INTO checkpoints (job_id, step_id, artifact_path, sha256, size_bytes, meta, completed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (job_id, step_id) DO UPDATE SET artifact_path = excluded.artifact_path,
         sha256 = excluded.sha256, size_bytes = excluded.size_bytes, meta = excluded.meta,
         completed_at = excluded.completed_at`,
      [c.jobId, c.stepId, c.artifactPath, c.sha256, c.sizeBytes, JSON.stringify(c.meta), c.completedAt],
    );
  }

  async get(jobId: string, stepId: string): Promise<Checkpoint | null> {
    const { rows } = await this.db.pool.query<CheckpointRow>(`${SELECT} WHERE job_id = $1 AND step_id = $2`, [
      jobId,
      stepId,
    ]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async list(jobId: string): Promise<Checkpoint[]> {
    const { rows } = await this.db.pool.query<CheckpointRow>(`${SELECT} WHERE job_id = $1 ORDER BY seq`, [
      jobId,
    ]);
    return rows.map(fromRow);
  }

  async remove(jobId: string, stepId: string): Promise<boolean> {
    const { rowCount } = await this.db.pool.query(
      'DELETE FROM checkpoints WHERE job_id = $1 AND step_id = $2',
      [jobId, stepId],
    );
    return (rowCount ?? 0) > 0;
  }
}
