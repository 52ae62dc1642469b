import { describe, expect, it } from 'vitest';
import type { MediaInfo } from './ffprobe.js';
import { ProbeCache } from './probe-cache.js';

const INFO = {
  durationMs: 1000,
  sizeBytes: 10,
  formatName: 'mp4',
  video: null,
  audio: null,
} as unknown as MediaInfo;

describe('ProbeCache', () => {
  it('probes a file version once, shares it between concurrent callers and bounds child processes', async () => {
    let running = 0;
    let peak = 0;
    const releases: Array<() => void> = [];
    const cache = new ProbeCache({
      maxConcurrent: 2,
      probe: async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => releases.push(r));
        running--;
        return INFO;
      },
    });
    const calls = [
      ...Array.from({ length: 50 }, () => cache.probe('/v/a.mp4', 10, 1)),
      ...Array.from({ length: 5 }, (_, i) => cache.probe(`/v/other-${i}.mp4`, 10, 1)),
    ];
    for (let i = 0; i < 20 && releases.length + cache.probesRun < 100; i++) {
      await Promise.resolve();
      releases.splice(0).forEach((r) => {
        r();
      });
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(calls);
    expect(cache.probesRun).toBe(6);
    expect(peak).toBeLessThanOrEqual(2);
    await cache.probe('/v/a.mp4', 10, 1);
    expect(cache.probesRun).toBe(6);
    // A new version of the file (re-rendered) is probed again.
    const again = cache.probe('/v/a.mp4', 11, 2);
    await new Promise((r) => setImmediate(r));
    releases.splice(0).forEach((r) => {
      r();
    });
    await again;
    expect(cache.probesRun).toBe(7);
  });

  it('does not remember a failed probe', async () => {
    let n = 0;
    const cache = new ProbeCache({
      probe: async () => {
        n++;
        if (n === 1) throw new Error('ffprobe failed');
        return INFO;
      },
    });
    await expect(cache.probe('/v/a.mp4', 1, 1)).rejects.toThrow('ffprobe failed');
    await expect(cache.probe('/v/a.mp4', 1, 1)).resolves.toBe(INFO);
  });
});
