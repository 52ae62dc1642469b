import type { LatencyCategory } from '../domain/latency.js';

/** The UI label of each latency category (docs/timeout-profiles.md#latency). */
export const LATENCY_LABELS: Readonly<Record<LatencyCategory, string>> = {
  Normal: 'Active • Generating',
  Extended: 'Extended Wait • Still Working',
  DeepWait: 'Deep Wait • Long-Form Processing',
  StallSuspected: 'Stall Suspected • Awaiting Response',
  Error: 'Error • Provider Failed',
};

/** The label of a category, e.g. `Extended Wait • Still Working`. */
export function latencyLabel(category: LatencyCategory): string {
  return LATENCY_LABELS[category];
}
