import { describe, expect, it } from 'vitest';
import { type FfmpegProgress, ProgressParser, progressFromBlock } from './progress-parser.js';

// Recorded from `ffmpeg -progress pipe:1` (FFmpeg 5.1) while encoding a 4 s clip.
const RECORDED = `frame=1
fps=0.00
stream_0_0_q=0.0
bitrate=N/A
total_size=48
out_time_us=N/A
out_time_ms=N/A
out_time=N/A
dup_frames=0
drop_frames=0
speed=N/A
progress=continue
frame=61
fps=60.12
stream_0_0_q=28.0
bitrate= 182.6kbits/s
total_size=44890
out_time_us=2000000
out_time_ms=2000000
out_time=00:00:02.000000
dup_frames=0
drop_frames=0
speed=1.97x
progress=continue
frame=120
fps=59.80
stream_0_0_q=-1.0
bitrate= 180.1kbits/s
total_size=90112
out_time_us=3966732
out_time_ms=3966732
out_time=00:00:03.966732
dup_frames=0
drop_frames=0
speed=  46x
progress=end
`;

function parseAll(text: string, chunkSize: number, durationMs?: number): FfmpegProgress[] {
  const seen: FfmpegProgress[] = [];
  const parser = new ProgressParser((p) => seen.push(p), durationMs);
  for (let i = 0; i < text.length; i += chunkSize) parser.push(text.slice(i, i + chunkSize));
  return seen;
}

describe('ProgressParser', () => {
  it('parses each block of recorded output into time, percent, speed and frame', () => {
    const seen = parseAll(RECORDED, 4096, 4000);
    expect(seen).toHaveLength(3);
    expect(seen[0]).toEqual({ percent: 0, outTimeMs: 0, speed: undefined, frame: 1, done: false });
    expect(seen[1]).toEqual({ percent: 50, outTimeMs: 2000, speed: 1.97, frame: 61, done: false });
    expect(seen[2]).toMatchObject({ percent: 100, outTimeMs: 3966.732, speed: 46, frame: 120, done: true });
  });

  it('gives the same blocks when lines are split across chunks', () => {
    expect(parseAll(RECORDED, 7, 4000)).toEqual(parseAll(RECORDED, 4096, 4000));
  });

  it('leaves percent undefined without a duration', () => {
    expect(parseAll(RECORDED, 4096).map((p) => p.percent)).toEqual([undefined, undefined, undefined]);
  });
});

describe('progressFromBlock', () => {
  it('reads out_time_ms as MICROseconds when out_time_us is absent', () => {
    const p = progressFromBlock(new Map([['out_time_ms', '1500000']]), 3000);
    expect(p.outTimeMs).toBe(1500);
    expect(p.percent).toBe(50);
  });

  it('prefers out_time_us over out_time_ms', () => {
    const p = progressFromBlock(
      new Map([
        ['out_time_us', '1000000'],
        ['out_time_ms', '9000000'],
      ]),
    );
    expect(p.outTimeMs).toBe(1000);
  });

  it('falls back to out_time HH:MM:SS.micro and clamps negatives and overshoot', () => {
    expect(progressFromBlock(new Map([['out_time', '01:02:03.500000']])).outTimeMs).toBe(3_723_500);
    expect(progressFromBlock(new Map([['out_time_us', '-23220']]), 1000).percent).toBe(0);
    expect(progressFromBlock(new Map([['out_time_us', '5000000']]), 1000).percent).toBe(100);
  });
});
