import { describe, expect, it } from 'vitest';
import type { Heartbeat } from '../../domain/heartbeat.js';
import { RenderProgress } from './ffmpeg-composer-progress.js';

describe('RenderProgress', () => {
  it('weights segments by duration, only rises, and reserves the final share', () => {
    const beats: Heartbeat[] = [];
    const progress = new RenderProgress([1000, 3000], (b) => beats.push(b), 5);
    progress.segment(1, 1500, 'scene 2');
    expect(beats.at(-1)).toEqual({ percent: 35.6, message: 'scene 2' });
    progress.segment(1, 1000, 'late, lower report');
    expect(beats).toHaveLength(1);
    progress.segment(0, 5000, 'scene 1 overshoot is capped');
    expect(beats.at(-1)?.percent).toBe(59.3);
    progress.segment(1, 3000, 'scene 2 done');
    expect(beats.at(-1)?.percent).toBe(95);
    progress.final(0.5, 'joining');
    expect(beats.at(-1)?.percent).toBe(97.5);
    progress.final(1, 'joined');
    expect(progress.percent).toBe(100);
    const percents = beats.map((b) => b.percent ?? 0);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
  });
});
