import { describe, expect, it } from 'vitest';
import { buildCues, formatSrtTime, parseSrt, parseSrtTime, sliceCues, timeline, toSrt } from './subtitles.js';
import { assFontSize, escapeAss, formatAssTime, toAss } from './subtitles-ass.js';

const LONG =
  'Rivers carve valleys over thousands of years. Water finds the weakest rock and keeps on cutting, ' +
  'season after season, until a canyon opens where a plain once stood. Then the wind takes over.';

describe('SRT timestamps', () => {
  it('formats HH:MM:SS,mmm at the edges', () => {
    expect(formatSrtTime(0)).toBe('00:00:00,000');
    expect(formatSrtTime(999)).toBe('00:00:00,999');
    expect(formatSrtTime(1000)).toBe('00:00:01,000');
    expect(formatSrtTime(59_999)).toBe('00:00:59,999');
    expect(formatSrtTime(3_600_000 + 61_001)).toBe('01:01:01,001');
    expect(formatSrtTime(-5)).toBe('00:00:00,000');
  });

  it('parses what it formats', () => {
    for (const ms of [0, 1, 999, 1000, 61_001, 36_000_123]) expect(parseSrtTime(formatSrtTime(ms))).toBe(ms);
    expect(parseSrtTime('00:00:01.5')).toBe(1500);
    expect(parseSrtTime('garbage')).toBeNaN();
  });
});

describe('buildCues', () => {
  const cues = buildCues([{ startMs: 2000, endMs: 14_000, text: LONG }]);

  it('keeps every caption within 2 lines of 42 characters and loses no word', () => {
    expect(cues.length).toBeGreaterThan(2);
    for (const cue of cues) {
      expect(cue.lines.length).toBeLessThanOrEqual(2);
      for (const line of cue.lines) expect(line.length).toBeLessThanOrEqual(42);
    }
    expect(cues.flatMap((c) => c.lines).join(' ')).toBe(LONG);
  });

  it('covers the scene exactly, without gaps, timed by word count', () => {
    expect(cues[0]!.startMs).toBe(2000);
    expect(cues.at(-1)!.endMs).toBe(14_000);
    for (let i = 1; i < cues.length; i++) expect(cues[i]!.startMs).toBe(cues[i - 1]!.endMs);
    const totalWords = LONG.split(' ').length;
    for (const cue of cues) {
      const words = cue.lines.join(' ').split(' ').length;
      expect(Math.abs(cue.endMs - cue.startMs - (12_000 * words) / totalWords)).toBeLessThanOrEqual(1);
    }
  });

  it('ends a caption at a sentence end once it holds a full line', () => {
    expect(cues[0]!.lines.join(' ')).toBe('Rivers carve valleys over thousands of years.');
  });

  it('honours narrower lines and a single line per caption', () => {
    const narrow = buildCues([{ startMs: 0, endMs: 5000, text: LONG }], { maxCharsPerLine: 20, maxLines: 1 });
    for (const cue of narrow) {
      expect(cue.lines).toHaveLength(1);
      expect(cue.lines[0]!.length).toBeLessThanOrEqual(20);
    }
  });

  it('skips silent scenes and lays scenes end to end', () => {
    const parts = timeline([
      { durationMs: 3000, narration: 'One.' },
      { durationMs: 2000, narration: '   ' },
      { durationMs: 4000, narration: 'Three here.' },
    ]);
    expect(parts.map((p) => [p.startMs, p.endMs])).toEqual([
      [0, 3000],
      [3000, 5000],
      [5000, 9000],
    ]);
    expect(buildCues(parts).map((c) => [c.startMs, c.endMs])).toEqual([
      [0, 3000],
      [5000, 9000],
    ]);
  });
});

describe('toSrt / parseSrt / sliceCues', () => {
  const cues = [
    { startMs: 0, endMs: 1500, lines: ['Hello there,', 'friend.'] },
    { startMs: 1500, endMs: 4200, lines: ['Second.'] },
  ];

  it('writes numbered SubRip blocks that parse back', () => {
    const srt = toSrt(cues);
    expect(srt).toBe(
      '1\n00:00:00,000 --> 00:00:01,500\nHello there,\nfriend.\n\n2\n00:00:01,500 --> 00:00:04,200\nSecond.\n',
    );
    expect(parseSrt(`\uFEFF${srt.replace(/\n/g, '\r\n')}`)).toEqual(cues);
  });

  it('clips and shifts the cues of one segment', () => {
    expect(sliceCues(cues, 1000, 3000)).toEqual([
      { startMs: 0, endMs: 500, lines: ['Hello there,', 'friend.'] },
      { startMs: 500, endMs: 2000, lines: ['Second.'] },
    ]);
    expect(sliceCues(cues, 4200, 6000)).toEqual([]);
  });
});

describe('toAss', () => {
  it('sizes text from the shorter side, so portrait and landscape match', () => {
    expect(assFontSize({ width: 1920, height: 1080 })).toBe(54);
    expect(assFontSize({ width: 1080, height: 1920 })).toBe(54);
    expect(assFontSize({ width: 1080, height: 1080 })).toBe(54);
  });

  it('writes the frame size, a bottom-centred style and escaped dialogue lines', () => {
    const ass = toAss([{ startMs: 1234, endMs: 3000, lines: ['{\\b1}bold', 'two'] }], {
      width: 1920,
      height: 1080,
    });
    expect(ass).toContain('PlayResX: 1920\nPlayResY: 1080');
    expect(ass).toMatch(/Style: Default,DejaVu Sans,54,.*,1,4,2,2,96,96,65,1/);
    expect(ass).toContain('Dialogue: 0,0:00:01.23,0:00:03.00,Default,,0,0,0,,\\{\\\u2060b1\\}bold\\Ntwo');
    expect(formatAssTime(3_723_450)).toBe('1:02:03.45');
  });

  it('joins lines that would not fit a portrait frame so libass wraps them', () => {
    const line = 'word '.repeat(8).trim();
    const ass = toAss([{ startMs: 0, endMs: 1000, lines: [line, line] }], { width: 1080, height: 1920 });
    expect(ass).toContain(`,,${line} ${line}`);
  });

  it('escapes braces and backslashes so they show as themselves', () => {
    expect(escapeAss('a {b} c')).toBe('a \\{b\\} c');
    expect(escapeAss('C:\\New')).toBe('C:\\\u2060New');
    expect(escapeAss('\\{')).toBe('\\\u2060\\{');
    expect(escapeAss('one\ntwo')).toBe('one two');
  });

  it('shrinks the font of an event whose word would run off the frame, and breaks a word too long even then', () => {
    const long = 'Pneumonoultramicroscopicsilicovolcanoconiosis'; // 45 letters
    const portrait = toAss([{ startMs: 0, endMs: 1000, lines: [`A ${long} here`] }], {
      width: 1080,
      height: 1920,
    });
    const size = Number(/\{\\fs(\d+)\}/.exec(portrait)?.[1]);
    expect(size).toBeGreaterThanOrEqual(Math.ceil(54 * 0.6));
    expect(size).toBeLessThan(54);
    const huge = 'x'.repeat(120);
    const broken = toAss([{ startMs: 0, endMs: 1000, lines: [huge] }], { width: 1080, height: 1920 });
    const text = broken.trim().split('\n').pop()!.split(',,').pop()!;
    expect(text.startsWith(`{\\fs${Math.ceil(54 * 0.6)}}`)).toBe(true);
    const pieces = text.replace(/^\{[^}]*\}/, '').split('\\N');
    expect(pieces.length).toBeGreaterThan(2);
    expect(pieces.join('')).toBe(huge);
    // Ordinary text keeps the style's size.
    expect(
      toAss([{ startMs: 0, endMs: 1000, lines: ['Short words only.'] }], { width: 1080, height: 1920 }),
    ).not.toContain('\\fs');
  });
});
