/**
 * Latency categories of a running provider call. Normal → Extended → DeepWait by elapsed time
 * against the provider's own profile thresholds; StallSuspected when progress stops for longer
 * than heartbeat interval × stall multiplier; Error on a hard failure.
 */
export const LATENCY_CATEGORIES = ['Normal', 'Extended', 'DeepWait', 'StallSuspected', 'Error'] as const;

/** One of {@link LATENCY_CATEGORIES}. */
export type LatencyCategory = (typeof LATENCY_CATEGORIES)[number];
