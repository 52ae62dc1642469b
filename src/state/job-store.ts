import type { JobRecord, JobStatus, LeaseHolder } from '../domain/job-record.js';

/** Filter and page of {@link JobStore.list}. */
export interface JobListQuery {
  /** Only jobs in this status. */
  status?: JobStatus;
  /** Page size, 1–500. @default 20 */
  limit?: number;
  /** `nextCursor` of the previous page; absent for the first page. */
  cursor?: string;
}

/** One page of {@link JobStore.list}, newest first. */
export interface JobPage {
  items: JobRecord[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

/**
 * The durable store of jobs. Every write is atomic; `update` uses optimistic concurrency on
 * `version` (each stored change adds one and sets `updatedAt`), so two writers never lose each
 * other's changes. Implementations: memory, SQLite (embedded), PostgreSQL.
 */
export interface JobStore {
  /** Stores a new job; `REELAY_ERR_CONFLICT` when its id exists. */
  create(record: JobRecord): Promise<JobRecord>;
  /** The job, or null when absent. */
  get(id: string): Promise<JobRecord | null>;
  /**
   * Reads the job, applies `mutate` to a copy, and stores the result if nobody changed the job
   * meanwhile; otherwise re-reads and calls `mutate` again (so `mutate` must be pure). Errors
   * thrown by `mutate` (e.g. an illegal transition) propagate unchanged.
   * `REELAY_ERR_NOT_FOUND` when absent; `REELAY_ERR_CONFLICT` after too many lost races.
   */
  update(id: string, mutate: (record: JobRecord) => JobRecord): Promise<JobRecord>;
  /** Jobs newest first (creation order), optionally of one status, a page at a time. */
  list(query?: JobListQuery): Promise<JobPage>;
  /**
   * Atomically takes the oldest claimable job — queued, or running with a lease expired at
   * `now` or whose holder is proven gone (crash recovery: requeued, then started again) — sets
   * it running with a lease for `owner` until `now + leaseMs`, and returns it; null when nothing
   * is claimable.
   */
  claim(owner: string, leaseMs: number, now: number): Promise<JobRecord | null>;
  /**
   * Extends the lease of a running job held by `owner` to the store clock's now + `leaseMs`.
   * `REELAY_ERR_CONFLICT` when the job ended or another worker holds it: stop working on it.
   */
  renewLease(id: string, owner: string, leaseMs: number): Promise<JobRecord>;
  /**
   * The process stamp this store puts on the leases it grants to this process, so that other
   * workers can see it die (SQLite: host and pid; PostgreSQL: also its session's advisory lock).
   * Absent in stores without liveness checks (memory).
   */
  leaseHolder?(): Promise<LeaseHolder | undefined>;
  /**
   * True only when the running job's lease holder is proven gone (its process died, or its
   * database session ended) although the lease has not lapsed yet; false when alive or unknown.
   */
  isHolderGone?(job: JobRecord): Promise<boolean>;
}
