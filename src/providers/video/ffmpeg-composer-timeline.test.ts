import { describe, expect, it } from 'vitest';
import { planTimeline, type TimelineScene } from './ffmpeg-composer-timeline.js';

const scenes: TimelineScene[] = [300, 240, 300].map((frames, position) => ({
  index: position + 10,
  position,
  imagePath: `/in/${position}.png`,
  frames,
}));

describe('planTimeline', () => {
  it('without transitions: one body per scene, back to back, no fades', () => {
    const segments = planTimeline(scenes, { transitionFrames: 0, edgeFadeFrames: 0 });
    expect(segments.map((s) => [s.name, s.startFrame, s.frames])).toEqual([
      ['segment-10', 0, 300],
      ['segment-11', 300, 240],
      ['segment-12', 540, 300],
    ]);
    expect(segments.every((s) => s.views.length === 1 && s.views[0]?.offset === 0)).toBe(true);
  });

  it('centres each crossfade on its cut and keeps the total length and every scene in place', () => {
    const segments = planTimeline(scenes, { transitionFrames: 15, edgeFadeFrames: 9 });
    expect(segments.map((s) => [s.name, s.startFrame, s.frames])).toEqual([
      ['segment-10', 0, 293],
      ['transition-10-11', 293, 15],
      ['segment-11', 308, 225],
      ['transition-11-12', 533, 15],
      ['segment-12', 548, 292],
    ]);
    // Contiguous and as long as the scenes.
    for (const [i, s] of segments.entries()) {
      const next = segments[i + 1];
      if (next) expect(s.startFrame + s.frames).toBe(next.startFrame);
    }
    expect(segments.reduce((a, s) => a + s.frames, 0)).toBe(840);
    // The transition shows the end of scene 0 running on and the start of scene 1 shown early.
    expect(segments[1]?.views.map((v) => [v.position, v.offset])).toEqual([
      [0, 293],
      [1, -7],
    ]);
    expect(segments[2]?.views[0]?.offset).toBe(8);
    expect([segments[0]?.fadeInFrames, segments[0]?.fadeOutFrames]).toEqual([9, 0]);
    expect([segments[4]?.fadeInFrames, segments[4]?.fadeOutFrames]).toEqual([0, 9]);
    expect(segments[2]?.fadeInFrames).toBe(0);
  });

  it('shortens crossfades to half the shortest scene and cuts hard when that is under two frames', () => {
    const short = planTimeline(
      [
        { ...scenes[0]!, frames: 10 },
        { ...scenes[1]!, frames: 400 },
      ],
      { transitionFrames: 60, edgeFadeFrames: 0 },
    );
    expect(short[1]?.frames).toBe(5);
    const tiny = planTimeline(
      [
        { ...scenes[0]!, frames: 3 },
        { ...scenes[1]!, frames: 400 },
      ],
      { transitionFrames: 60, edgeFadeFrames: 0 },
    );
    expect(tiny.map((s) => s.kind)).toEqual(['scene', 'scene']);
    expect(planTimeline([scenes[0]!], { transitionFrames: 15, edgeFadeFrames: 0 })).toHaveLength(1);
  });
});
