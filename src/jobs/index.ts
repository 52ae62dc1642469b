export * from './job-record.js';
export * from './job-state-machine.js';
