// The job state machine is shared vocabulary (the stores below jobs/ apply it), so it lives in domain/.
export {
  addArtifacts,
  assertTransition,
  cancelJob,
  canTransition,
  completeJob,
  failJob,
  isLeaseExpired,
  JOB_TRANSITIONS,
  type ProgressUpdate,
  type RecoverJobOptions,
  recoverJob,
  renewJobLease,
  reportProgress,
  type StartJobOptions,
  startJob,
} from '../domain/job-state-machine.js';
