/** `950 ms`, `12 s`, `3 min 5 s`: a short human form of a duration in milliseconds. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}

/** An ETA in seconds in the same short form (`12 s`; `under 1 s` near the end). */
export function formatEta(seconds: number): string {
  return seconds < 1 ? 'under 1 s' : formatMs(seconds * 1000);
}

/**
 * Rewrites machine durations inside a message in human units: `300000 ms` → `5 min`, `90 s` →
 * `1 min 30 s`. Shorter durations are left as they are.
 *
 * @example
 * humanizeDurations('retry after 300000 ms'); // 'retry after 5 min'
 */
export function humanizeDurations(text: string): string {
  return text
    .replace(/\b(\d{4,})\s?ms\b/g, (_, ms: string) => formatMs(Number(ms)))
    .replace(/\b(\d{2,})\s?s\b/g, (whole: string, s: string) =>
      Number(s) >= 60 ? formatMs(Number(s) * 1000) : whole,
    );
}

const CATEGORY_LABELS: Readonly<Record<string, string>> = {
  transient: 'temporary failure',
  rate_limit: 'rate limited',
  api_failure: 'API failure',
  quality_failure: 'unusable result',
  timeout: 'timed out',
  authentication: 'authentication failed',
  provider_overload: 'provider overloaded',
  system_error: 'system error',
  network_error: 'network error',
  quota_exceeded: 'quota exceeded',
  processing_error: 'processing error',
};

/** An error category in words (`provider_overload` → `provider overloaded`). */
export function categoryLabel(category: string | undefined): string {
  if (!category) return 'failed';
  return CATEGORY_LABELS[category] ?? category.replace(/_/g, ' ');
}
