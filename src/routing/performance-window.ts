import { HOUR_MS } from './hourly-bucket.js';

/** The metric windows of the performance tracker. */
export const PERFORMANCE_WINDOWS = ['1h', '24h', '7d', '30d'] as const;

/** One of {@link PERFORMANCE_WINDOWS}. */
export type PerformanceWindow = (typeof PERFORMANCE_WINDOWS)[number];

const HOURS: Readonly<Record<PerformanceWindow, number>> = { '1h': 1, '24h': 24, '7d': 168, '30d': 720 };

/** Length of a window in ms. */
export function windowMs(window: PerformanceWindow): number {
  return HOURS[window] * HOUR_MS;
}

/**
 * Whether the hourly bucket starting at `hourStart` belongs to `window` at `now`: every bucket
 * that overlaps (now − window, now]. Buckets are whole hours, so a window covers between its
 * length and its length plus one hour of calls (never fewer than the calls of the window).
 */
export function bucketInWindow(hourStart: number, now: number, window: PerformanceWindow): boolean {
  return hourStart <= now && hourStart + HOUR_MS > now - windowMs(window);
}
