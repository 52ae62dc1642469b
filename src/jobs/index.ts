export * from './job-record.js';
export * from './job-state-machine.js';
export * from './reelay-service.js';
