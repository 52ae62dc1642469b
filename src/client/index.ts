export type * from '../server/api-types.js';
export * from './api-error.js';
export * from './client-breaker.js';
export * from './client-options.js';
export * from './http-transport.js';
export * from './progress-stream.js';
export * from './reelay-client.js';
export * from './sse-reader.js';
export * from './video-download.js';
