import { describe, expect, it } from 'vitest';
import type { Clock } from '../domain/clock.js';
import { type ProgressReading, ProgressTracker } from './progress-tracker.js';

function manualClock(): Clock & { t: number } {
  const c = { t: 0, now: () => c.t, setTimeout: () => 0 as never, clearTimeout: () => {} };
  return c;
}

describe('ProgressTracker', () => {
  it('weights stages, stays monotonic and throttles', () => {
    const clock = manualClock();
    const seen: ProgressReading[] = [];
    const p = new ProgressTracker({ clock, onProgress: (r) => seen.push(r), minIntervalMs: 250 });
    p.update('brief', 1, 'validated');
    expect(seen.at(-1)?.percentage).toBe(5);
    p.update('script', 0.5, 'writing');
    expect(seen.at(-1)?.percentage).toBe(15);
    clock.t = 100;
    p.update('script', 0.75, 'writing');
    expect(seen).toHaveLength(2); // throttled: same stage, 100 ms later
    clock.t = 250;
    p.update('script', 0.6, 'writing');
    expect(seen.at(-1)?.percentage).toBe(20); // 0.75 was reached: never goes back
    p.update('post', 1, 'done', true);
    expect(seen.at(-1)?.percentage).toBe(100);
  });

  it('estimates time left from elapsed time and progress', () => {
    const clock = manualClock();
    const p = new ProgressTracker({ clock, onProgress: () => {} });
    clock.t = 10_000;
    const r = p.update('narration', 0.5, 'speaking'); // 25 + 15 = 40 %
    expect(r.percentage).toBe(40);
    expect(r.etaSeconds).toBe(15); // 10 s for 40 % → 15 s for the other 60 %
  });
});
