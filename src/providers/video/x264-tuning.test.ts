import { describe, expect, it } from 'vitest';
import {
  type EncodeSettings,
  encoderArgs,
  isMoving,
  type SegmentPlan,
  segmentArgs,
} from './ffmpeg-composer-args.js';
import { DEFAULT_MOTION_ENCODING, segmentCrf, x264Params } from './x264-tuning.js';

const settings: EncodeSettings = {
  width: 1920,
  height: 1080,
  fps: 30,
  preset: 'veryfast',
  crf: 23,
  audioBitrate: '192k',
  motionEncoding: DEFAULT_MOTION_ENCODING,
};
const still: SegmentPlan = {
  name: 'segment-0',
  kind: 'scene',
  sceneIndex: 0,
  startFrame: 0,
  frames: 300,
  views: [{ position: 0, imagePath: '/in/a.png', sceneFrames: 300, offset: 0 }],
  fadeInFrames: 0,
  fadeOutFrames: 0,
};
const panning: SegmentPlan = { ...still, motion: { travel: 0.12 } };
const argAfter = (args: string[], flag: string): string | undefined => args[args.indexOf(flag) + 1];

describe('x264 tuning of moving segments', () => {
  it('defaults to a full-pel search at a CRF half a step lower', () => {
    expect(DEFAULT_MOTION_ENCODING).toEqual({ fullPel: true, crfOffset: -0.5 });
  });

  it('adds the full-pel diamond search only to moving segments, and stitchable headers to all', () => {
    expect(x264Params(true, DEFAULT_MOTION_ENCODING)).toBe('stitchable=1:me=dia:subme=0');
    expect(x264Params(false, DEFAULT_MOTION_ENCODING)).toBe('stitchable=1');
    expect(x264Params(true, { fullPel: false, crfOffset: -0.5 })).toBe('stitchable=1');
    expect(x264Params(true, undefined)).toBe('stitchable=1');
  });

  it('offsets the CRF of full-pel moving segments only, within 0–51', () => {
    expect(segmentCrf(23, true, DEFAULT_MOTION_ENCODING)).toBe(22.5);
    expect(segmentCrf(23, false, DEFAULT_MOTION_ENCODING)).toBe(23);
    expect(segmentCrf(23, true, { fullPel: false, crfOffset: -3 })).toBe(23);
    expect(segmentCrf(0.2, true, { fullPel: true, crfOffset: -1 })).toBe(0);
    expect(segmentCrf(51, true, { fullPel: true, crfOffset: 2 })).toBe(51);
  });

  it('treats a segment as moving when motion is on with some travel', () => {
    expect(isMoving(still)).toBe(false);
    expect(isMoving(panning)).toBe(true);
    expect(isMoving({ ...still, motion: { travel: 0 } })).toBe(false);
  });

  it('puts the tuning into the segment arguments: same preset, different analysis and CRF', () => {
    const moving = segmentArgs(panning, settings, '/w/m.mp4');
    const fixed = segmentArgs(still, settings, '/w/s.mp4');
    expect(argAfter(moving, '-x264-params')).toBe('stitchable=1:me=dia:subme=0');
    expect(argAfter(moving, '-crf')).toBe('22.5');
    expect(argAfter(fixed, '-x264-params')).toBe('stitchable=1');
    expect(argAfter(fixed, '-crf')).toBe('23');
    expect(argAfter(moving, '-preset')).toBe(argAfter(fixed, '-preset'));
  });

  it('leaves the preset analysis everywhere without a motion encoding', () => {
    const { motionEncoding: _m, ...plain } = settings;
    expect(argAfter(encoderArgs(plain, true), '-x264-params')).toBe('stitchable=1');
    expect(argAfter(encoderArgs(plain, true), '-crf')).toBe('23');
  });
});
