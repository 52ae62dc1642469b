import type { Clock } from '../../domain/clock.js';
import type { ReelayStores } from '../stores.js';
import { MemoryAuditTrail } from './memory-audit-trail.js';
import { MemoryCheckpointStore } from './memory-checkpoint-store.js';
import { MemoryEventLog } from './memory-event-log.js';
import { MemoryJobLogStore } from './memory-job-log-store.js';
import { MemoryJobStore } from './memory-job-store.js';

/** Options of {@link createMemoryStores}. */
export interface MemoryStoresOptions {
  /** @default systemClock */
  clock?: Clock;
}

/**
 * Every store in memory: nothing survives the process. For tests and library use.
 * @example const stores = createMemoryStores(); await stores.jobs.create(job);
 */
export function createMemoryStores(options: MemoryStoresOptions = {}): ReelayStores {
  return {
    jobs: new MemoryJobStore(options.clock ? { clock: options.clock } : {}),
    checkpoints: new MemoryCheckpointStore(),
    jobLogs: new MemoryJobLogStore(),
    events: new MemoryEventLog(),
    audit: new MemoryAuditTrail(),
    close: async () => {},
  };
}
