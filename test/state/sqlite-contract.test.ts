import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStores } from '../../src/state/sqlite/sqlite-stores.js';
import { attemptTrailContract } from './contracts/attempt-trail-contract.js';
import { auditTrailContract } from './contracts/audit-trail-contract.js';
import { checkpointStoreContract } from './contracts/checkpoint-store-contract.js';
import { eventLogContract } from './contracts/event-log-contract.js';
import type { OpenStores } from './contracts/harness.js';
import { jobLogStoreContract } from './contracts/job-log-store-contract.js';
import { jobStoreContract } from './contracts/job-store-contract.js';

/** A fresh database file in its own temporary directory, removed after each test. */
/** The file of the stores opened last (the attempt trail's restart test reopens it). */
let lastFile = '';
const open: OpenStores = (clock) => {
  const dir = mkdtempSync(join(tmpdir(), 'reelay-sqlite-'));
  lastFile = join(dir, 'reelay.db');
  const stores = createSqliteStores(lastFile, { clock });
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
attemptTrailContract('sqlite', open, async () => {
  // A second connection to the same file: what a restarted (or another) process reads.
  const other = createSqliteStores(lastFile);
  if (!other.attempts) throw new Error('no attempt trail');
  return { trail: other.attempts, close: other.close };
});
