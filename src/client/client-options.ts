import { type Clock, sleep as clockSleep, systemClock } from '../domain/clock.js';

/** A `fetch` implementation (the global one in Node 20 and browsers). */
export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

/** Waits `ms`, rejecting with the signal's reason when aborted first. */
export type SleepFn = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Options of {@link ReelayClient}. */
export interface ReelayClientOptions {
  /** Server origin, e.g. `http://127.0.0.1:8080` (a path prefix is kept). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** @default globalThis.fetch */
  fetch?: FetchFn;
  /** Per-call timeout (for streams and downloads: until the response headers). @default 30000 */
  timeoutMs?: number;
  /** Retries of idempotent calls (GET, cancel) on network errors, 5xx and 429. @default 3 */
  retries?: number;
  /** Largest backoff between retries: min(1000·2^(n−1), retryCapMs). @default 8000 */
  retryCapMs?: number;
  /** A `Retry-After` longer than this is not waited for: the error is thrown. @default 60000 */
  maxRetryAfterMs?: number;
  /** Client breaker: consecutive failures that open it. @default 5 */
  breakerFailureThreshold?: number;
  /** Client breaker: successes in half-open that close it. @default 2 */
  breakerSuccessThreshold?: number;
  /** Client breaker: how long it stays open. @default 60000 */
  breakerOpenMs?: number;
  /** @default systemClock */
  clock?: Clock;
  /** How the client waits between retries, reconnects and polls. @default sleep on `clock` */
  sleep?: SleepFn;
}

/** {@link ReelayClientOptions} with defaults applied. */
export interface ResolvedClientOptions {
  baseUrl: string;
  apiKey: string | undefined;
  fetch: FetchFn;
  timeoutMs: number;
  retries: number;
  retryCapMs: number;
  maxRetryAfterMs: number;
  clock: Clock;
  sleep: SleepFn;
}

/** Applies the defaults of {@link ReelayClientOptions}. */
export function resolveClientOptions(options: ReelayClientOptions): ResolvedClientOptions {
  const clock = options.clock ?? systemClock;
  const fetchFn = options.fetch ?? ((input: string, init?: RequestInit) => globalThis.fetch(input, init));
  return {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    apiKey: options.apiKey,
    fetch: fetchFn,
    timeoutMs: options.timeoutMs ?? 30_000,
    retries: Math.max(0, options.retries ?? 3),
    retryCapMs: options.retryCapMs ?? 8_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
    clock,
    sleep: options.sleep ?? ((ms, signal) => clockSleep(clock, ms, signal)),
  };
}

/** Backoff before retry `n` (1-based): min(base·2^(n−1), cap). */
export function backoffMs(n: number, baseMs: number, capMs: number): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, n - 1));
}
