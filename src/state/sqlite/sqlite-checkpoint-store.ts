import type { Checkpoint, CheckpointStore } from '../checkpoint-store.js';
import type { SqliteDatabase } from './open-sqlite.js';
import { prepared } from './prepared.js';

interface CheckpointRow {
  job_id: string;
  step_id: string;
  artifact_path: string;
  sha256: string;
  size_bytes: number;
  meta: string;
  completed_at: string;
}

const fromRow = (r: CheckpointRow): Checkpoint => ({
  jobId: r.job_id,
  stepId: r.step_id,
  artifactPath: r.artifact_path,
  sha256: r.sha256,
  sizeBytes: r.size_bytes,
  meta: JSON.parse(r.meta) as Record<string, unknown>,
  completedAt: r.completed_at,
});

const SELECT =
  'SELECT job_id, step_id, artifact_path, sha256, size_bytes, meta, completed_at FROM checkpoints';

/** {@link CheckpointStore} on the embedded SQLite file; `put` is one atomic upsert. */
export class SqliteCheckpointStore implements CheckpointStore {
  constructor(private readonly db: SqliteDatabase) {}

  async put(c: Checkpoint): Promise<void> {
    prepared(
      this.db,
      `INSERT INTO checkpoints (job_id, step_id, artifact_path, sha256, size_bytes, meta, completed_at)
         VALUES (:jobId, :stepId, :artifactPath, :sha256, :sizeBytes, :meta, :completedAt)
         ON CONFLICT (job_id, step_id) DO UPDATE SET artifact_path = excluded.artifact_path,
           sha256 = excluded.sha256, size_bytes = excluded.size_bytes, meta = excluded.meta,
           completed_at = excluded.completed_at`,
    ).run({
      jobId: c.jobId,
      stepId: c.stepId,
      artifactPath: c.artifactPath,
      sha256: c.sha256,
      sizeBytes: c.sizeBytes,
      meta: JSON.stringify(c.meta),
      completedAt: c.completedAt,
    });
  }

  async get(jobId: string, stepId: string): Promise<Checkpoint | null> {
    const row = prepared(this.db, `${SELECT} WHERE job_id = :jobId AND step_id = :stepId`).get({
      jobId,
      stepId,
    }) as CheckpointRow | undefined;
    return row ? fromRow(row) : null;
  }

  async list(jobId: string): Promise<Checkpoint[]> {
    const rows = prepared(this.db, `${SELECT} WHERE job_id = :jobId ORDER BY seq`).all({
      jobId,
    }) as CheckpointRow[];
    return rows.map(fromRow);
  }

  async remove(jobId: string, stepId: string): Promise<boolean> {
    const { changes } = prepared(
      this.db,
      'DELETE FROM checkpoints WHERE job_id = :jobId AND step_id = :stepId',
    ).run({ jobId, stepId });
    return changes > 0;
  }
}
