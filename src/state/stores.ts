import type { AuditTrail } from './audit-trail.js';
import type { CheckpointStore } from './checkpoint-store.js';
import type { EventLog } from './event-log.js';
import type { JobLogStore } from './job-log-store.js';
import type { JobStore } from './job-store.js';
import type { PendingDecisionStore, SpendStore } from './router-state.js';

/** Every durable store of Reelay, from one backend (memory, SQLite, later PostgreSQL). */
export interface ReelayStores {
  jobs: JobStore;
  checkpoints: CheckpointStore;
  jobLogs: JobLogStore;
  events: EventLog;
  audit: AuditTrail;
  /** Spend against budgets (durable backends: shared by every process, survives restarts). */
  spend?: SpendStore;
  /** Decisions waiting for an answer. */
  pendingDecisions?: PendingDecisionStore;
  /** Releases the backend (closes the database); the stores must not be used afterwards. */
  close(): Promise<void>;
}
