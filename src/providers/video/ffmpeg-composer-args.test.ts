import { describe, expect, it } from 'vitest';
import {
  concatList,
  type EncodeSettings,
  encoderArgs,
  finalArgs,
  motionExpressions,
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

  it('uses zoompan on a pre-upscaled still for motion, after the yuv420p conversion', () => {
    const filter = segmentVideoFilter({ ...plan, motion: { zoom: 0.08, upscale: 1.5 } }, settings);
    expect(filter).toContain('scale=2880:1620:');
    expect(filter).toContain(':d=300:s=1920x1080:fps=30');
    expect(filter.indexOf('format=yuv420p')).toBeLessThan(filter.indexOf('zoompan'));
    expect(filter).not.toContain('tpad');
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
  it('alternates zoom in/out and pan axis and direction by position', () => {
    const [m0, m1, m2, m3] = [0, 1, 2, 3].map((p) => motionExpressions(p, 101, 0.1));
    expect(m0).toEqual({ z: '1+0.1*on/100', x: '(iw-iw/zoom)*(0.3+0.4*on/100)', y: '(ih-ih/zoom)/2' });
    expect(m1).toEqual({
      z: '1+0.1*(1-on/100)',
      x: '(iw-iw/zoom)*(0.3+0.4*(1-on/100))',
      y: '(ih-ih/zoom)/2',
    });
    expect(m2?.y).toBe('(ih-ih/zoom)*(0.3+0.4*on/100)');
    expect(m3?.x).toBe('(iw-iw/zoom)/2');
    expect(motionExpressions(4, 101, 0.1)).toEqual(m0);
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

  it('copies everything without music, and re-encodes only audio with music', () => {
    const base = { listPath: '/w/list', totalMs: 60_000, musicVolumeDb: -18, audioBitrate: '192k' };
    const plain = finalArgs(base, '/o.mp4').join(' ');
    expect(plain).toContain('-f concat -safe 0 -i /w/list');
    expect(plain).toContain('-c copy -movflags +faststart');
    const mixed = finalArgs({ ...base, musicPath: '/m.mp3' }, '/o.mp4').join(' ');
    expect(mixed).toContain('-stream_loop -1 -i /m.mp3');
    expect(mixed).toContain('volume=-18dB,afade=t=out:st=59.000:d=1.000');
    expect(mixed).toContain('-c:v copy -c:a aac');
  });

  it('quotes file names in the concat list', () => {
    expect(concatList(['segment-0.mp4', "it's.mp4"])).toBe(
      "ffconcat version 1.0\nfile 'segment-0.mp4'\nfile 'it'\\''s.mp4'\n",
    );
  });
});
