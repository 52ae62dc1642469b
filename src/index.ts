/**
 * Reelay: turns a written brief into a narrated video through AI providers, and stays dependable
 * when those providers are slow, stalled, rate limited or down.
 *
 * The layers, bottom to top: domain (vocabulary), config, state (stores), resilience (errors,
 * backoff, breakers), patience (locks, heartbeats, stalls, the gateway), routing (selection,
 * policies, the fallback router), providers, pipeline (the orchestrator), jobs (runner, service,
 * container). The HTTP server is exported too; the browser/Node client is `reelay/client`.
 *
 * @packageDocumentation
 */
export * from './config/index.js';
export * from './domain/index.js';
export * from './jobs/index.js';
export * from './patience/index.js';
export * from './pipeline/index.js';
export * from './providers/index.js';
export * from './resilience/index.js';
export * from './routing/index.js';
export { createServer } from './server/index.js';
export * from './state/index.js';
