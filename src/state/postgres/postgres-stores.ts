import type { Clock } from '../../domain/clock.js';
import type { ReelayStores } from '../stores.js';
import {
  DEFAULT_MIN_CONNECTIONS,
  type OpenPostgresOptions,
  openConnections,
  openPostgres,
  type PostgresDatabase,
} from './open-postgres.js';
import { PostgresAttemptTrail } from './postgres-attempt-trail.js';
import { PostgresAuditTrail } from './postgres-audit-trail.js';
import { PostgresCheckpointStore } from './postgres-checkpoint-store.js';
import { PostgresEventLog } from './postgres-event-log.js';
import { PostgresJobLogStore } from './postgres-job-log-store.js';
import { PostgresJobStore } from './postgres-job-store.js';
import { PostgresNotifier } from './postgres-notifier.js';
import { PostgresPendingDecisionStore, PostgresSpendStore } from './postgres-router-state.js';

/** Options of {@link createPostgresStores}. */
export interface PostgresStoresOptions extends OpenPostgresOptions {
  /** Source of job `updatedAt` and lease renewal time. @default systemClock */
  clock?: Clock;
  /** Lost optimistic-concurrency races tolerated by `JobStore.update`. @default 10 */
  maxUpdateAttempts?: number;
  /** Receives errors thrown by event-log subscribers. @default ignore */
  onListenerError?: (error: unknown) => void;
  /**
   * Listen for other processes' appends and new jobs (`LISTEN/NOTIFY`, one extra connection) and
   * offer them as `wake`. @default false
   */
  listen?: boolean;
  /**
   * Whether each event append notifies other processes (`LISTEN/NOTIFY`); off when another channel
   * (Redis streams) carries live events. @default true
   */
  notifyEvents?: boolean;
  /**
   * Event appends commit without waiting for the WAL flush (see `PostgresEventLogOptions.asyncCommit`).
   * @default false
   */
  asyncEventCommit?: boolean;
  /** Told when the listening connection fails (polling still sees every write). */
  onListenError?: (error: unknown) => void;
}

/** Every store on one PostgreSQL schema, plus the open pool. */
export interface PostgresStores extends ReelayStores {
  db: PostgresDatabase;
}

/**
 * Connects to `DATABASE_URL`, migrates the schema and returns every store on it. `close()` ends
 * the pool; it is safe to call twice.
 * @example
 * const stores = await createPostgresStores(process.env.DATABASE_URL!, { schema: 'reelay' });
 */
export async function createPostgresStores(
  url: string,
  options: PostgresStoresOptions = {},
): Promise<PostgresStores> {
  const db = await openPostgres(url, options);
  const jobOptions = {
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.maxUpdateAttempts === undefined ? {} : { maxUpdateAttempts: options.maxUpdateAttempts }),
  };
  let notifier: PostgresNotifier | undefined;
  if (options.listen) {
    notifier = new PostgresNotifier({
      url,
      schema: db.schema,
      ...(options.onListenError ? { onError: options.onListenError } : {}),
    });
    // A failed first LISTEN is retried in the background; polling covers the gap.
    await notifier.start().catch(() => undefined);
  }
  const jobs = new PostgresJobStore(db, jobOptions);
  return {
    db,
    ...(notifier ? { wake: notifier } : {}),
    jobs,
    checkpoints: new PostgresCheckpointStore(db),
    jobLogs: new PostgresJobLogStore(db),
    events: new PostgresEventLog(db, options.onListenerError, {
      notify: options.notifyEvents ?? true,
      asyncCommit: options.asyncEventCommit ?? false,
    }),
    audit: new PostgresAuditTrail(db),
    attempts: new PostgresAttemptTrail(db),
    spend: new PostgresSpendStore(db),
    pendingDecisions: new PostgresPendingDecisionStore(db),
    warmUp: async () => {
      // The session lock holds one connection for the life of the process; the rest stay pooled.
      await jobs.leaseHolder().catch(() => undefined);
      await openConnections(db.pool, options.minConnections ?? DEFAULT_MIN_CONNECTIONS);
    },
    close: async () => {
      jobs.releaseSession();
      await notifier?.close();
      await db.close();
    },
  };
}
