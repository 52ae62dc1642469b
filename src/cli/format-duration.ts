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
