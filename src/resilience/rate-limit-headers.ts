import { type HeaderSource, parseDurationMs, parseRetryAfter, readHeader } from './retry-after.js';

/** What a provider said about one of its limits (requests or tokens) in a response. */
export interface LimitReading {
  /** Units left before the limit resets. */
  remaining: number;
  /** Ms from now until the limit resets, when said. */
  resetMs?: number;
  /** The limit itself (per minute for OpenAI and Anthropic), when said. */
  limit?: number;
}

/** Everything one response taught about the provider's rate limits. */
export interface RateLimitReading {
  requests?: LimitReading;
  tokens?: LimitReading;
  /** A 429 or 503 asked us to wait this long before any further request. */
  retryAfterMs?: number;
}

function num(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** A reset as OpenAI (`6m0s`, `1s`, `20ms`), plain seconds, or Anthropic (RFC 3339 time) writes it. */
function resetMs(text: string | undefined, now: number): number | undefined {
  if (text === undefined) return undefined;
  const duration = parseDurationMs(text);
  if (duration !== undefined) return duration;
  const seconds = num(text);
  if (seconds !== undefined) return Math.round(seconds * 1000);
  const at = Date.parse(text.trim());
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function reading(
  headers: HeaderSource,
  now: number,
  names: { remaining: string; reset: string; limit: string },
): LimitReading | undefined {
  const remaining = num(readHeader(headers, names.remaining));
  if (remaining === undefined) return undefined;
  const out: LimitReading = { remaining };
  const reset = resetMs(readHeader(headers, names.reset), now);
  if (reset !== undefined) out.resetMs = reset;
  const limit = num(readHeader(headers, names.limit));
  if (limit !== undefined) out.limit = limit;
  return out;
}

const openAi = (unit: string) => ({
  remaining: `x-ratelimit-remaining-${unit}`,
  reset: `x-ratelimit-reset-${unit}`,
  limit: `x-ratelimit-limit-${unit}`,
});
const anthropic = (unit: string) => ({
  remaining: `anthropic-ratelimit-${unit}-remaining`,
  reset: `anthropic-ratelimit-${unit}-reset`,
  limit: `anthropic-ratelimit-${unit}-limit`,
});

/**
 * Reads a response's rate-limit headers: OpenAI's `x-ratelimit-{remaining,reset,limit}-{requests,
 * tokens}` (resets as Go durations), Anthropic's `anthropic-ratelimit-{requests,tokens,
 * input-tokens}-{remaining,reset,limit}` (resets as RFC 3339 times), and — on a 429 or 503 only —
 * `retry-after-ms` / `Retry-After`. `undefined` when the response says nothing about limits.
 *
 * @example readRateLimitHeaders({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '6m0s' }, 200, now)
 * // { requests: { remaining: 0, resetMs: 360000 } }
 */
export function readRateLimitHeaders(
  headers: HeaderSource | undefined,
  status: number,
  now: number,
): RateLimitReading | undefined {
  if (headers === undefined) return undefined;
  const out: RateLimitReading = {};
  const requests = reading(headers, now, openAi('requests')) ?? reading(headers, now, anthropic('requests'));
  if (requests) out.requests = requests;
  const tokens =
    reading(headers, now, openAi('tokens')) ??
    reading(headers, now, anthropic('tokens')) ??
    reading(headers, now, anthropic('input-tokens'));
  if (tokens) out.tokens = tokens;
  if (status === 429 || status === 503) {
    const wait = parseRetryAfter(headers, now);
    if (wait !== undefined) out.retryAfterMs = wait;
  }
  return out.requests || out.tokens || out.retryAfterMs !== undefined ? out : undefined;
}
