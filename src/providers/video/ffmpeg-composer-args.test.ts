import { describe, expect, it } from 'vitest';
import {
  concatList,
  type EncodeSettings,
  encoderArgs,
  finalArgs,
  panPlan,
  type SegmentPlan,
  segmentArgs,
  segmentAudioFilter,
  segmentVideoFilter,
} from './ffmpeg-composer-args.js';

const settings: EncodeSettings = {
  width: 1920,
  height: 1080,
  fps: 30,
  preset: 'veryfast',
  crf: 23,
  audioBitrate: '192k',
};
const plan: SegmentPlan = {
  position: 0,
  imagePath: '/in/a.png',
  audioPath: '/in/a.wav',
  frames: 300,
  fadeMs: 0,
};

describe('segment filters', () => {
  it('converts to yuv420p with a BT.709 matrix before multiplying the single frame', () => {
    const filter = segmentVideoFilter(plan, settings);
    expect(filter).toContain('out_color_matrix=bt709');
    expect(filter.indexOf('format=yuv420p')).toBeLessThan(filter.indexOf('tpad=stop=299:stop_mode=clone'));
    expect(filter).toContain('pad=1920:1080:(ow-iw)/2:(oh-ih)/2');
    expect(filter).not.toContain('fade');
    expect(filter).not.toContain('ass=');
  });

  it('pans a moving crop over the still scaled once, after the yuv420p conversion and the clones', () => {
    const filter = segmentVideoFilter({ ...plan, motion: { travel: 0.12 } }, settings);
    // 12 % of 1920 = 230 px of travel: the still is scaled to the frame plus that margin.
    expect(filter).toContain('scale=2152:1212:');
    expect(filter.indexOf('format=yuv420p')).toBeLessThan(filter.indexOf('tpad'));
    expect(filter.indexOf('tpad=stop=299:stop_mode=clone')).toBeLessThan(filter.indexOf('crop='));
    expect(filter).toContain("crop=w=1920:h=1080:x='clip(n-34,0,230)':y='66':exact=1");
    expect(filter).not.toContain('zoompan');
  });

  it('fades video and audio at both edges and burns the caption file', () => {
    const faded = { ...plan, fadeMs: 300, assFile: 'segment-0.ass' };
    expect(segmentVideoFilter(faded, settings)).toMatch(
      /ass=filename=segment-0\.ass,fade=t=in:st=0:d=0\.300,fade=t=out:st=9\.700:d=0\.300$/,
    );
    expect(segmentAudioFilter(faded, settings)).toBe(
      'aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,apad=whole_dur=10.000,atrim=end=10.000,' +
        'afade=t=in:st=0:d=0.300,afade=t=out:st=9.700:d=0.300',
    );
  });

  it('never fades longer than half a very short segment', () => {
    expect(segmentVideoFilter({ ...plan, frames: 9, fadeMs: 300 }, settings)).toContain(
      'fade=t=out:st=0.150:d=0.150',
    );
  });
});

describe('motion directions', () => {
  const frame = { width: 1920, height: 1080 };

  it('moves exactly one pixel per frame while moving (no uneven integer steps), holding at both ends', () => {
    const pan = panPlan(0, 301, frame, 0.12);
    expect(pan.distance).toBe(230);
    const at = (n: number) => Math.min(230, Math.max(0, n - 35));
    expect(pan.x).toBe('clip(n-35,0,230)');
    const steps = Array.from({ length: 300 }, (_, n) => at(n + 1) - at(n));
    expect(new Set(steps)).toEqual(new Set([0, 1]));
    expect(steps.filter((d) => d === 1)).toHaveLength(230);
    expect(pan.width - frame.width).toBeGreaterThanOrEqual(230);
  });

  it('never travels further than the scene has frames', () => {
    expect(panPlan(0, 61, frame, 0.12).distance).toBe(60);
    expect(panPlan(0, 61, frame, 0.12).x).toBe('clip(n-0,0,60)');
  });

  it('alternates direction by position and pans vertically at positions 2–3 (mod 4)', () => {
    const [p0, p1, p2, p3] = [0, 1, 2, 3].map((p) => panPlan(p, 301, frame, 0.12));
    expect(p1?.x).toBe('230-clip(n-35,0,230)');
    expect(p2?.y).toBe(`clip(n-${Math.floor((300 - 130) / 2)},0,130)`);
    expect(p3?.y).toMatch(/^130-clip/);
    expect(Number(p2?.x)).toBe(Math.floor(((p2?.width ?? 0) - 1920) / 2));
    expect((p2?.height ?? 0) - 1080).toBeGreaterThanOrEqual(130);
    expect(panPlan(4, 301, frame, 0.12)).toEqual(p0);
  });
});

describe('encoder and final arguments', () => {
  it('uses CRF without a bitrate, and a capped bitrate when one is requested', () => {
    expect(encoderArgs(settings)).toEqual(expect.arrayContaining(['-crf', '23', '-preset', 'veryfast']));
    const capped = encoderArgs({ ...settings, videoBitrate: '5000k' });
    expect(capped.join(' ')).toContain('-b:v 5000k -maxrate 5000k -bufsize 10000k');
    expect(capped).not.toContain('-crf');
    expect(capped.join(' ')).toContain('-colorspace bt709 -color_primaries bt709 -color_trc bt709');
    expect(capped.join(' ')).toContain('-c:a aac -b:a 192k -ar 48000 -ac 2');
  });

  it('renders the exact frame count into the given output', () => {
    const args = segmentArgs(plan, settings, '/w/.seg.tmp.mp4');
    expect(args.slice(0, 4)).toEqual(['-framerate', '30', '-i', '/in/a.png']);
    expect(args.slice(-5)).toEqual(['-frames:v', '300', '-f', 'mp4', '/w/.seg.tmp.mp4']);
  });

  it('copies everything without music or normalisation, and re-encodes only audio otherwise', () => {
    const base = {
      listPath: '/w/list',
      totalMs: 60_000,
      musicVolumeDb: -18,
      duckRatio: 8,
      truePeakDb: -1,
      audioBitrate: '192k',
    };
    const plain = finalArgs(base, '/o.mp4').join(' ');
    expect(plain).toContain('-f concat -safe 0 -i /w/list');
    expect(plain).toContain('-c copy -movflags +faststart');
    const normalised = finalArgs({ ...base, loudnessLufs: -14 }, '/o.mp4').join(' ');
    expect(normalised).toContain('loudnorm=I=-14:TP=-1.5:LRA=11,aresample=48000[a]');
    expect(normalised).toContain('-c:v copy -c:a aac');
    expect(normalised).not.toContain('-stream_loop');
    const mixed = finalArgs({ ...base, musicPath: '/m.mp3', loudnessLufs: -14 }, '/o.mp4').join(' ');
    expect(mixed).toContain('-stream_loop -1 -i /m.mp3');
    expect(mixed).toContain('volume=-18dB,afade=t=out:st=59.000:d=1.000');
    // The narration keys the compressor that ducks the music, then the mix is normalised.
    expect(mixed).toContain('[music][key]sidechaincompress=threshold=0.01:ratio=8:');
    expect(mixed).toContain(
      '[voice][ducked]amix=inputs=2:duration=first:dropout_transition=0:normalize=0,loudnorm=',
    );
    expect(mixed).toContain('-c:v copy -c:a aac');
  });

  it('quotes file names in the concat list', () => {
    expect(concatList(['segment-0.mp4', "it's.mp4"])).toBe(
      "ffconcat version 1.0\nfile 'segment-0.mp4'\nfile 'it'\\''s.mp4'\n",
    );
  });
});
