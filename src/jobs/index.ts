export * from './create-reelay.js';
export * from './job-event-sink.js';
export * from './job-record.js';
export * from './job-runner.js';
export * from './job-state-machine.js';
export * from './local-reelay-service.js';
export * from './reelay-metrics.js';
export * from './reelay-service.js';
