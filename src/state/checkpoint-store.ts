/**
 * A finished pipeline step whose artifact can be reused when a job resumes (after a crash or a
 * requeue): the next worker skips steps whose checkpoint still matches the file on disk.
 */
export interface Checkpoint {
  jobId: string;
  /** Step id within the job, e.g. `narration:3`. */
  stepId: string;
  /** Path of the artifact the step produced. */
  artifactPath: string;
  /** Hex SHA-256 of the artifact, to detect a missing or changed file. */
  sha256: string;
  sizeBytes: number;
  /** Step facts needed to resume (durations, provider used…), JSON. */
  meta: Record<string, unknown>;
  /** ISO-8601 time the step finished. */
  completedAt: string;
}

/** Durable checkpoints of pipeline steps. Implementations: memory, SQLite, PostgreSQL. */
export interface CheckpointStore {
  /** Stores or replaces the checkpoint of (`jobId`, `stepId`). */
  put(checkpoint: Checkpoint): Promise<void>;
  /** The checkpoint, or null when absent. */
  get(jobId: string, stepId: string): Promise<Checkpoint | null>;
  /** A job's checkpoints in the order their steps were first stored. */
  list(jobId: string): Promise<Checkpoint[]>;
  /** Removes one checkpoint; true when it existed. */
  remove(jobId: string, stepId: string): Promise<boolean>;
}
