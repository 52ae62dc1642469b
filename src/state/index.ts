export * from './audit-trail.js';
export * from './event-log.js';
export * from './memory/memory-audit-trail.js';
export * from './memory/memory-event-log.js';
