import type { Disposable } from '../domain/disposable.js';
import type { AttemptTrail } from './attempt-trail.js';
import type { AuditTrail } from './audit-trail.js';
import type { CheckpointStore } from './checkpoint-store.js';
import type { EventLog } from './event-log.js';
import type { JobLogStore } from './job-log-store.js';
import type { JobStore } from './job-store.js';
import type { PendingDecisionStore, SpendStore } from './router-state.js';

/** Wake-ups from other processes sharing the stores, delivered without polling (PostgreSQL NOTIFY). */
export interface WakeSource {
  /** Calls `listener` when another process appended events of `jobId` (also once after a gap). */
  onEvents(jobId: string, listener: () => void): Disposable;
  /** Calls `listener` when another process queued work (also once after a gap). */
  onJobs(listener: () => void): Disposable;
}

/** Every durable store of Reelay, from one backend (memory, SQLite, later PostgreSQL). */
export interface ReelayStores {
  jobs: JobStore;
  checkpoints: CheckpointStore;
  jobLogs: JobLogStore;
  events: EventLog;
  audit: AuditTrail;
  /** Upstream attempts of the OpenAI-compatible endpoint (durable backends; absent: in memory). */
  attempts?: AttemptTrail;
  /** Spend against budgets (durable backends: shared by every process, survives restarts). */
  spend?: SpendStore;
  /** Decisions waiting for an answer. */
  pendingDecisions?: PendingDecisionStore;
  /** Wake-ups from other processes; absent where only polling sees their writes. */
  wake?: WakeSource;
  /**
   * Opens now what a worker's first job would otherwise open while it runs (database connections,
   * the worker's liveness session), so that job's first events are not delayed. Never throws.
   */
  warmUp?(): Promise<void>;
  /** Releases the backend (closes the database); the stores must not be used afterwards. */
  close(): Promise<void>;
}
