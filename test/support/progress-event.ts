import type { ReelayEvent } from '../../src/domain/events.js';

/** A `progress` event of `jobId` whose percentage is `n` (tests of event logs and writers). */
export function progressEvent(jobId: string, n: number): ReelayEvent {
  return {
    type: 'progress',
    jobId,
    timestamp: '2026-12-02T00:00:00.000Z',
    percentage: n,
    stage: 'script',
    message: `step ${n}`,
  };
}
