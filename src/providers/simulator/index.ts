export * from './fault-plan.js';
export * from './fault-simulator.js';
export * from './scenario-schema.js';
