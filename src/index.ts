/**
 * Reelay: turns a written brief into a narrated video through AI providers, and stays dependable
 * when those providers are slow, stalled, rate limited or down.
 *
 * @packageDocumentation
 */
export * from './domain/index.js';
export * from './state/index.js';
