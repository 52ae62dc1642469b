import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStores } from '../../src/state/sqlite/sqlite-stores.js';
import { auditTrailContract } from './contracts/audit-trail-contract.js';
import { checkpointStoreContract } from './contracts/checkpoint-store-contract.js';
import { eventLogContract } from './contracts/event-log-contract.js';
import type { OpenStores } from './contracts/harness.js';
import { jobLogStoreContract } from './contracts/job-log-store-contract.js';
import { jobStoreContract } from './contracts/job-store-contract.js';

/** A fresh database file in its own temporary directory, removed after each test. */
const open: OpenStores = (clock) => {
  const dir = mkdtempSync(join(tmpdir(), 'reelay-sqlite-'));
  const stores = createSqliteStores(join(dir, 'reelay.db'), { clock });
  return {
    stores,
    cleanup: async () => {
      await stores.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

jobStoreContract('sqlite', open);
checkpointStoreContract('sqlite', open);
jobLogStoreContract('sqlite', open);
eventLogContract('sqlite', open);
auditTrailContract('sqlite', open);
