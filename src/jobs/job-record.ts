// The job record is shared vocabulary (the stores below jobs/ persist it), so it lives in domain/.
export {
  type ApiJobStatus,
  createJobRecord,
  isTerminalStatus,
  JOB_STATUSES,
  type JobLease,
  type JobOutput,
  type JobRecord,
  type JobStatus,
  type LeaseHolder,
  type NewJobDeps,
  type NewJobInput,
  TERMINAL_JOB_STATUSES,
  toApiStatus,
} from '../domain/job-record.js';
