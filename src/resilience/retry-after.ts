/** Default cap on any provider-requested wait: five minutes. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 300_000;

/**
 * Response headers as `fetch` gives them ({@link Headers}) or as a plain object (Node's
 * `IncomingHttpHeaders`, test fixtures). Names are matched case-insensitively.
 */
export type HeaderSource = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Reads one header case-insensitively; repeated headers yield their first value. */
export function readHeader(headers: HeaderSource | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  if (typeof Headers !== 'undefined' && headers instanceof Headers) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(
    headers as Record<string, string | readonly string[] | undefined>,
  )) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return typeof value === 'string' ? value : value[0];
  }
  return undefined;
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses the Go-style durations of OpenAI's `x-ratelimit-reset-*` headers (`6m0s`, `1s`,
 * `200ms`, `1h2m3.5s`) into milliseconds; `undefined` when the text is not such a duration.
 */
export function parseDurationMs(text: string): number | undefined {
  const compact = text.trim();
  if (compact === '') return undefined;
  let total = 0;
  let consumed = 0;
  for (const match of compact.matchAll(DURATION_PART)) {
    if (match.index !== consumed) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0);
    consumed += match[0].length;
  }
  return consumed === compact.length ? Math.round(total) : undefined;
}

function parseRetryAfterValue(value: string, now: number): number | undefined {
  const trimmed = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * How long a provider asked us to wait, in milliseconds, or `undefined` when it did not say.
 * Reads, in order: `retry-after-ms`; `Retry-After` as seconds or an HTTP date (relative to
 * `now`, past dates give 0); then OpenAI's `x-ratelimit-reset-requests` / `-tokens` durations
 * (the longer of the two). The result is capped at `maxMs`.
 *
 * @param now Current time in ms since the epoch (from the caller's clock).
 * @param maxMs Upper bound on the wait. @default 300000
 * @example parseRetryAfter({ 'retry-after': '2' }, clock.now()) // 2000
 */
export function parseRetryAfter(
  headers: HeaderSource | undefined,
  now: number,
  maxMs: number = DEFAULT_MAX_RETRY_AFTER_MS,
): number | undefined {
  const found = findRetryAfter(headers, now);
  return found === undefined ? undefined : Math.min(found, maxMs);
}

function findRetryAfter(headers: HeaderSource | undefined, now: number): number | undefined {
  const ms = readHeader(headers, 'retry-after-ms');
  if (ms !== undefined && /^\d+(?:\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms.trim()));
  const retryAfter = readHeader(headers, 'retry-after');
  if (retryAfter !== undefined) {
    const parsed = parseRetryAfterValue(retryAfter, now);
    if (parsed !== undefined) return parsed;
  }
  const resets = ['x-ratelimit-reset-requests', 'x-ratelimit-reset-tokens']
    .map((name) => readHeader(headers, name))
    .map((value) => (value === undefined ? undefined : parseDurationMs(value)))
    .filter((value): value is number => value !== undefined);
  return resets.length === 0 ? undefined : Math.max(...resets);
}
