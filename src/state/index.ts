export * from './audit-trail.js';
export * from './event-log.js';
