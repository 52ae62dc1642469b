import { describe, expect, it } from 'vitest';
import {
  concatList,
  type EncodeSettings,
  encoderArgs,
  panPlan,
  type SegmentPlan,
  sceneAudioFilter,
  segmentArgs,
  segmentGraph,
  viewFilter,
} from './ffmpeg-composer-args.js';
import { finalArgs } from './ffmpeg-composer-final.js';

const settings: EncodeSettings = {
  width: 1920,
  height: 1080,
  fps: 30,
  preset: 'veryfast',
  crf: 23,
  audioBitrate: '192k',
};
const view = { position: 0, imagePath: '/in/a.png', sceneFrames: 300, offset: 0 };
const plan: SegmentPlan = {
  name: 'segment-0',
  kind: 'scene',
  sceneIndex: 0,
  startFrame: 0,
  frames: 300,
  views: [view],
  fadeInFrames: 0,
  fadeOutFrames: 0,
};

describe('segment filters', () => {
  it('converts to yuv420p with a BT.709 matrix before multiplying the single frame', () => {
    const filter = segmentGraph(plan, settings);
    expect(filter).toContain('out_color_matrix=bt709');
    expect(filter.indexOf('format=yuv420p')).toBeLessThan(filter.indexOf('tpad=stop=299:stop_mode=clone'));
    expect(filter).toContain('pad=1920:1080:(ow-iw)/2:(oh-ih)/2');
    expect(filter).not.toContain('fade');
    expect(filter).not.toContain('ass=');
    expect(filter).toMatch(/^\[0:v\].*\[v\]$/);
  });

  it('pans a moving crop over the still scaled once, after the yuv420p conversion and the clones', () => {
    const filter = viewFilter(view, 300, settings, { travel: 0.12 });
    // 12 % of 1920 = 230 px of travel: the still is scaled to the frame plus that margin.
    expect(filter).toContain('scale=2152:1212:');
    expect(filter.indexOf('format=yuv420p')).toBeLessThan(filter.indexOf('tpad'));
    expect(filter.indexOf('tpad=stop=299:stop_mode=clone')).toBeLessThan(filter.indexOf('crop='));
    expect(filter).toContain("crop=w=1920:h=1080:x='clip(n-34,0,230)':y='66':exact=1");
    expect(filter).not.toContain('zoompan');
  });

  it('continues the pan of the scene in a view that starts later or earlier than the scene', () => {
    expect(viewFilter({ ...view, offset: 100 }, 20, settings, { travel: 0.12 })).toContain(
      "x='clip(n+66,0,230)'",
    );
    expect(viewFilter({ ...view, offset: -10 }, 20, settings, { travel: 0.12 })).toContain(
      "x='clip(n-44,0,230)'",
    );
  });

  it('burns the captions, then fades from and to black at the edges of the video', () => {
    const faded = { ...plan, fadeInFrames: 9, fadeOutFrames: 9, assFile: 'segment-0.ass' };
    expect(segmentGraph(faded, settings)).toMatch(
      /ass=filename=segment-0\.ass,fade=t=in:s=0:n=9,fade=t=out:s=291:n=9\[v\]$/,
    );
  });

  it('blends the outgoing and incoming scenes of a transition with xfade, captions over the blend', () => {
    const transition: SegmentPlan = {
      ...plan,
      name: 'transition-0-1',
      kind: 'transition',
      frames: 15,
      views: [
        { ...view, offset: 293 },
        { ...view, position: 1, imagePath: '/in/b.png', offset: -7 },
      ],
      transitionKind: 'wipeleft',
      assFile: 'transition-0-1.ass',
    };
    const graph = segmentGraph(transition, settings);
    expect(graph).toContain('[0:v]scale=1920:1080');
    expect(graph).toContain('[1:v]scale=1920:1080');
    expect(graph).toContain(
      '[a][b]xfade=transition=wipeleft:duration=0.500000:offset=0,ass=filename=transition-0-1.ass[v]',
    );
    const args = segmentArgs(transition, settings, '/w/t.mp4');
    expect(args.slice(0, 8)).toEqual([
      '-framerate',
      '30',
      '-i',
      '/in/a.png',
      '-framerate',
      '30',
      '-i',
      '/in/b.png',
    ]);
    expect(args).toContain('-an');
  });

  it('pads or cuts each narration to its scene in whole samples, with click-free edges', () => {
    expect(sceneAudioFilter(300, 30)).toBe(
      'aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,apad=whole_len=480000,' +
        'atrim=end_sample=480000,afade=t=in:st=0:d=0.010,afade=t=out:st=9.990000:d=0.010',
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
  it('uses CRF, capped at the bitrate when one is requested, and encodes no audio in segments', () => {
    expect(encoderArgs(settings)).toEqual(expect.arrayContaining(['-crf', '23', '-preset', 'veryfast']));
    const capped = encoderArgs({ ...settings, videoBitrate: '5000k' });
    expect(capped.join(' ')).toContain('-crf 23 -maxrate 5000k -bufsize 10000k');
    expect(capped).not.toContain('-b:v');
    expect(capped.join(' ')).toContain('-colorspace bt709 -color_primaries bt709 -color_trc bt709');
    expect(capped).not.toContain('-c:a');
  });

  it('renders the exact frame count into the given output', () => {
    const args = segmentArgs(plan, settings, '/w/.seg.tmp.mp4');
    expect(args.slice(0, 4)).toEqual(['-framerate', '30', '-i', '/in/a.png']);
    expect(args).toContain('-an');
    expect(args.slice(-5)).toEqual(['-frames:v', '300', '-f', 'mp4', '/w/.seg.tmp.mp4']);
  });

  it('copies the video, joins the narrations in one track, and re-encodes only that audio', () => {
    const base = {
      listPath: '/w/list',
      narration: [
        { audioPath: '/a0.wav', frames: 300 },
        { audioPath: '/a1.wav', frames: 1500 },
      ],
      fps: 30,
      totalMs: 60_000,
      musicVolumeDb: -18,
      duckRatio: 8,
      truePeakDb: -1,
      audioBitrate: '192k',
    };
    const plain = finalArgs(base, '/o.mp4').join(' ');
    expect(plain).toContain('-f concat -safe 0 -i /w/list -i /a0.wav -i /a1.wav');
    expect(plain).toContain('[1:a]aresample=48000');
    expect(plain).toContain('apad=whole_len=2400000');
    expect(plain).toContain('[n0][n1]concat=n=2:v=0:a=1');
    expect(plain).toContain('-map 0:v -map [a] -c:v copy -c:a aac -b:a 192k');
    expect(plain).not.toContain('loudnorm');
    const normalised = finalArgs({ ...base, loudnessLufs: -14 }, '/o.mp4').join(' ');
    expect(normalised).toContain('loudnorm=I=-14:TP=-1.5:LRA=11,aresample=48000[a]');
    expect(normalised).not.toContain('-stream_loop');
    const mixed = finalArgs({ ...base, musicPath: '/m.mp3', loudnessLufs: -14 }, '/o.mp4').join(' ');
    expect(mixed).toContain('-i /a1.wav -stream_loop -1 -i /m.mp3');
    expect(mixed).toContain('[3:a]aresample=48000');
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
