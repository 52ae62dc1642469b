import type { Clock } from '../../domain/clock.js';
import type { ReelayStores } from '../stores.js';
import {
  DEFAULT_SQLITE_PATH,
  type OpenSqliteOptions,
  openSqlite,
  type SqliteDatabase,
} from './open-sqlite.js';
import { SqliteAttemptTrail } from './sqlite-attempt-trail.js';
import { SqliteAuditTrail } from './sqlite-audit-trail.js';
import { SqliteCheckpointStore } from './sqlite-checkpoint-store.js';
import { SqliteEventLog } from './sqlite-event-log.js';
import { SqliteJobLogStore } from './sqlite-job-log-store.js';
import { SqliteJobStore } from './sqlite-job-store.js';
import { SqlitePendingDecisionStore, SqliteSpendStore } from './sqlite-router-state.js';

/** Options of {@link createSqliteStores}. */
export interface SqliteStoresOptions extends OpenSqliteOptions {
  /** Source of job `updatedAt` and lease renewal time. @default systemClock */
  clock?: Clock;
  /** Lost optimistic-concurrency races tolerated by `JobStore.update`. @default 10 */
  maxUpdateAttempts?: number;
  /** Receives errors thrown by event-log subscribers. @default ignore */
  onListenerError?: (error: unknown) => void;
}

/** Every store on one SQLite file, plus the open database. */
export interface SqliteStores extends ReelayStores {
  db: SqliteDatabase;
}

/**
 * Opens (creating and migrating) the SQLite file and returns every store on it. `close()`
 * closes the database; it is safe to call twice.
 * @example
 * const stores = createSqliteStores('./data/reelay.db');
 * const job = await stores.jobs.claim('worker-1', 30_000, Date.now());
 * await stores.close();
 */
export function createSqliteStores(
  path: string = DEFAULT_SQLITE_PATH,
  options: SqliteStoresOptions = {},
): SqliteStores {
  const db = openSqlite(path, options);
  const jobOptions = {
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.maxUpdateAttempts === undefined ? {} : { maxUpdateAttempts: options.maxUpdateAttempts }),
  };
  return {
    db,
    jobs: new SqliteJobStore(db, jobOptions),
    checkpoints: new SqliteCheckpointStore(db),
    jobLogs: new SqliteJobLogStore(db),
    events: new SqliteEventLog(db, options.onListenerError),
    audit: new SqliteAuditTrail(db),
    attempts: new SqliteAttemptTrail(db),
    spend: new SqliteSpendStore(db),
    pendingDecisions: new SqlitePendingDecisionStore(db),
    close: async () => {
      if (db.open) db.close();
    },
  };
}
