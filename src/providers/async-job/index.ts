export * from './async-job-types.js';
export * from './job-failure.js';
export * from './remote-cancel.js';
export * from './run-async-job.js';
