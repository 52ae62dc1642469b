import { createMemoryStores } from '../../src/state/memory/memory-stores.js';
import { auditTrailContract } from './contracts/audit-trail-contract.js';
import { checkpointStoreContract } from './contracts/checkpoint-store-contract.js';
import { eventLogContract } from './contracts/event-log-contract.js';
import type { OpenStores } from './contracts/harness.js';
import { jobLogStoreContract } from './contracts/job-log-store-contract.js';
import { jobStoreContract } from './contracts/job-store-contract.js';

const open: OpenStores = (clock) => {
  const stores = createMemoryStores({ clock });
  return { stores, cleanup: () => stores.close() };
};

jobStoreContract('memory', open);
checkpointStoreContract('memory', open);
jobLogStoreContract('memory', open);
eventLogContract('memory', open);
auditTrailContract('memory', open);
