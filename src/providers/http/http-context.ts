import type { Clock } from '../../domain/clock.js';
import type { Logger } from '../../domain/logger.js';

/** The `fetch` signature the adapters call; inject one to record, fake or proxy requests. */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * Who is being called and how: shared by every request helper of this folder. Built once per
 * adapter and reused for every call.
 */
export interface HttpContext {
  /** Provider display name used in every message, e.g. `OpenAI`. */
  provider: string;
  /** @default globalThis.fetch (read at call time, so test doubles installed later apply) */
  fetch?: FetchLike;
  /** Source of `now()` for HTTP-date `Retry-After` values. @default systemClock */
  clock?: Clock;
  /** Environment variable holding the key, named in authentication messages. */
  keyEnvVar?: string;
  /** Secret values (API keys) removed from every error message and log line. @default [] */
  secrets?: readonly string[];
  /** @default silentLogger */
  logger?: Logger;
  /** Cap on a provider-requested wait (Retry-After). @default 300000 */
  maxRetryAfterMs?: number;
}

/** One HTTP request of an adapter. */
export interface HttpRequest {
  /** Absolute URL. Never put secrets in it: they belong in `headers`. */
  url: string;
  /** @default 'GET', or 'POST' when `json` or `body` is given */
  method?: string;
  /** Request headers (authorization lives here). */
  headers?: Record<string, string>;
  /** Sent as `application/json`. */
  json?: unknown;
  /** Raw body, when not JSON. */
  body?: string | Uint8Array<ArrayBuffer>;
  /** Aborts the request and any body still being read. */
  signal: AbortSignal;
}

/** The fetch to use for a context: the injected one, else the global one at call time. */
export function fetchOf(ctx: HttpContext): FetchLike {
  return ctx.fetch ?? ((input, init) => globalThis.fetch(input, init));
}
