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

  it('extrapolates a slow render from its own measured rate (35 % after 22 s → about 41 s left)', () => {
    const clock = manualClock();
    const expectedSeconds = { brief: 0, script: 1, narration: 2, visuals: 2, render: 3, post: 1 };
    const p = new ProgressTracker({ clock, onProgress: () => {}, expectedSeconds });
    clock.t = 5_000;
    p.startStage('render');
    p.update('render', 0, 'composing');
    clock.t = 27_000;
    const r = p.update('render', 0.35, 'rendering'); // overall ≈ 82 %: the old ETA said ~1 s
    // 22 s for 35 % → 40.9 s for the other 65 %, plus 1 s of post.
    expect(r.etaSeconds).toBe(42);
  });

  it('uses the calibrated durations of the later stages', () => {
    const clock = manualClock();
    const base = { brief: 0, script: 1, narration: 2, visuals: 2, render: 3, post: 1 };
    const at = (expectedSeconds: typeof base): number | undefined => {
      clock.t = 0;
      const p = new ProgressTracker({ clock, onProgress: () => {}, expectedSeconds });
      p.startStage('narration');
      clock.t = 4_000;
      return p.update('narration', 0.5, 'speaking').etaSeconds;
    };
    expect(at(base)).toBe(10); // 4 s left of narration + 2 + 3 + 1
    expect(at({ ...base, render: 30 })).toBe(37);
  });

  it('trusts the calibration while too little of the stage is measured', () => {
    const clock = manualClock();
    const expectedSeconds = { brief: 0, script: 0, narration: 0, visuals: 0, render: 40, post: 2 };
    const p = new ProgressTracker({ clock, onProgress: () => {}, expectedSeconds });
    p.startStage('render');
    clock.t = 500;
    expect(p.update('render', 0.02, 'starting').etaSeconds).toBe(41); // 40 × 0.98 + 2
  });
});
