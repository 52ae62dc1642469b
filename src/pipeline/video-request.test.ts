import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReelayError } from '../domain/errors.js';
import { countWords, estimateNarrationMs, layoutTimeline } from './scene-timing.js';
import { parseVideoRequest } from './video-request.js';

describe('parseVideoRequest', () => {
  it('applies the documented defaults', () => {
    const r = parseVideoRequest({ brief: 'Explain how tides work for curious kids' });
    expect(r.durationMinutes).toBe(1);
    expect(r.style).toBe('informative');
    expect(r.fallbackPolicy).toBe('auto');
    expect(r.options).toMatchObject({
      audience: 'general audience',
      goal: 'inform and engage',
      tone: 'professional',
      language: 'English',
      aspect: '16:9',
      pacing: 'conversational',
      density: 'balanced',
      width: 1920,
      height: 1080,
      fps: 30,
      codec: 'h264',
      videoBitrate: '5000k',
      audioBitrate: '192k',
    });
  });

  it('accepts background music as a plain file name', () => {
    expect(
      parseVideoRequest({ brief: 'A brief with music', options: { music: 'Calm Piano.mp3' } }).options.music,
    ).toBe('Calm Piano.mp3');
  });

  it('maps aliases and sizes portrait and square', () => {
    const p = parseVideoRequest({
      brief: 'A portrait video brief',
      options: { aspect: 'portrait', pacing: 'slow' },
    });
    expect(p.options).toMatchObject({ aspect: '9:16', pacing: 'chill', width: 1080, height: 1920 });
    const s = parseVideoRequest({ brief: 'A square video brief', options: { aspect: 'square', width: 641 } });
    expect(s.options).toMatchObject({ aspect: '1:1', width: 640, height: 1080 });
  });

  it.each([
    [{ brief: 'short' }, 'brief'],
    [{ brief: 'x'.repeat(5001) }, 'brief'],
    [{ brief: 'long enough brief', durationMinutes: 0 }, 'durationMinutes'],
    [{ brief: 'long enough brief', durationMinutes: 10.5 }, 'durationMinutes'],
    [{ brief: 'long enough brief', options: { fps: 61 } }, 'options.fps'],
    [{ brief: 'long enough brief', options: { width: 319 } }, 'options.width'],
    [{ brief: 'long enough brief', options: { aspect: '4:3' } }, 'options.aspect'],
    [{ brief: 'long enough brief', fallbackPolicy: 'maybe' }, 'fallbackPolicy'],
    [{ brief: 'long enough brief', extra: 1 }, '(body)'],
    [{ brief: 'long enough brief', options: { music: '../etc/passwd.mp3' } }, 'options.music'],
    [{ brief: 'long enough brief', options: { music: '/abs/calm.mp3' } }, 'options.music'],
    [{ brief: 'long enough brief', options: { music: 'calm.exe' } }, 'options.music'],
  ])('rejects %j naming %s', (input, field) => {
    try {
      parseVideoRequest(input);
      expect.unreachable();
    } catch (error) {
      expect(ReelayError.isInstance(error)).toBe(true);
      const err = error as ReelayError;
      expect(err.code).toBe('REELAY_ERR_VALIDATION');
      const fields = (err.details.fields as Array<{ field: string }>).map((f) => f.field);
      expect(fields).toContain(field);
    }
  });

  it('never throws anything but a validation error on arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        try {
          parseVideoRequest(input);
        } catch (error) {
          expect((error as ReelayError).code).toBe('REELAY_ERR_VALIDATION');
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('scene timing', () => {
  it('estimates narration from words per minute with a minimum', () => {
    expect(countWords('  one two\nthree ')).toBe(3);
    expect(estimateNarrationMs('word '.repeat(150), 'conversational')).toBe(60_000);
    expect(estimateNarrationMs('hi', 'fast')).toBe(1500);
  });

  it('lays measured scenes end to end with padding and a minimum', () => {
    expect(layoutTimeline([1000, 5000], 400, 2000)).toEqual([
      { index: 0, startMs: 0, endMs: 2000, durationMs: 2000 },
      { index: 1, startMs: 2000, endMs: 7400, durationMs: 5400 },
    ]);
  });
});

describe('request caps', () => {
  const huge = {
    brief: 'Explain how tides work for curious kids',
    durationMinutes: 10,
    options: { width: 7680, height: 4320, fps: 60 },
  };

  it('rejects 10 minutes at 7680×4320, 60 fps by default, naming the limit', () => {
    expect(() => parseVideoRequest(huge)).toThrow(/maxPixelFramesPerJob/);
    try {
      parseVideoRequest(huge);
    } catch (error) {
      expect((error as ReelayError).code).toBe('REELAY_ERR_VALIDATION');
      expect((error as ReelayError).details.limit).toBe('maxPixelFramesPerJob');
    }
  });

  it('accepts 10 minutes of 1080p at 30 fps by default, and applies a configured limit', () => {
    const hd = { ...huge, options: { width: 1920, height: 1080, fps: 30 } };
    expect(parseVideoRequest(hd).options.width).toBe(1920);
    expect(() => parseVideoRequest(hd, { maxPixelFramesPerJob: 1920 * 1080 * 30 * 60 })).toThrow(
      /maxPixelFramesPerJob/,
    );
  });
});
