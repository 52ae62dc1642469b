// Kept hand-written: subtitle packages parse and convert existing files; what is needed here is to
// cut narration into timed cues (line length, reading speed, scene boundaries) and write SRT, which
// is a few lines once the cues exist.

/** One caption on screen: its time span and its lines (at most `maxLines`). */
export interface SubtitleCue {
  startMs: number;
  endMs: number;
  lines: string[];
}

/** A stretch of narration on the timeline (a scene). */
export interface TimedNarration {
  startMs: number;
  endMs: number;
  text: string;
}

/** Options of {@link buildCues}. */
export interface CueOptions {
  /** Longest caption line, in characters (a longer single word gets its own line). @default 42 */
  maxCharsPerLine?: number;
  /** Lines per caption. @default 2 */
  maxLines?: number;
}

/**
 * Lays scenes end to end: scene `i` starts where scene `i-1` ended.
 * @example timeline([{ durationMs: 3000, narration: 'Hi.' }]) // [{ startMs: 0, endMs: 3000, text: 'Hi.' }]
 */
export function timeline(scenes: ReadonlyArray<{ durationMs: number; narration: string }>): TimedNarration[] {
  let at = 0;
  return scenes.map((scene) => {
    const startMs = at;
    at += scene.durationMs;
    return { startMs, endMs: at, text: scene.narration };
  });
}

/**
 * Splits each scene's narration into captions of at most `maxLines` × `maxCharsPerLine`, timed in
 * proportion to their word counts within the scene (the last caption ends exactly at the scene's
 * end). A caption ends early at a sentence end when it is already at least one line long, so
 * captions tend to hold whole sentences.
 *
 * @example
 * const cues = buildCues(timeline(scenes));
 * await writeFile('captions.srt', toSrt(cues));
 */
export function buildCues(narration: readonly TimedNarration[], options: CueOptions = {}): SubtitleCue[] {
  const maxChars = options.maxCharsPerLine ?? 42;
  const maxLines = options.maxLines ?? 2;
  const cues: SubtitleCue[] = [];
  for (const part of narration) {
    const groups = splitCaptions(part.text, maxChars, maxLines);
    const totalWords = groups.reduce((n, g) => n + g.words, 0);
    const span = part.endMs - part.startMs;
    if (totalWords === 0 || span <= 0) continue;
    let words = 0;
    let start = part.startMs;
    groups.forEach((group, i) => {
      words += group.words;
      const end =
        i === groups.length - 1 ? part.endMs : part.startMs + Math.round((span * words) / totalWords);
      cues.push({ startMs: start, endMs: end, lines: group.lines });
      start = end;
    });
  }
  return cues;
}

/** Formats milliseconds as an SRT timestamp `HH:MM:SS,mmm`. */
export function formatSrtTime(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)},${pad(total % 1000, 3)}`;
}

/** Renders cues as SubRip (SRT) text, numbered from 1, CRLF-free, ending with a blank line. */
export function toSrt(cues: readonly SubtitleCue[]): string {
  return cues
    .map(
      (cue, i) =>
        `${i + 1}\n${formatSrtTime(cue.startMs)} --> ${formatSrtTime(cue.endMs)}\n${cue.lines.join('\n')}\n`,
    )
    .join('\n');
}

/** Parses SubRip text (tolerates a BOM, CRLF, `.` before milliseconds, and missing numbers). */
export function parseSrt(text: string): SubtitleCue[] {
  const cues: SubtitleCue[] = [];
  const blocks = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/);
  for (const block of blocks) {
    const lines = block.split('\n').filter((l) => l.trim() !== '');
    const timeIndex = lines.findIndex((l) => l.includes('-->'));
    if (timeIndex < 0) continue;
    const [from, to] = lines[timeIndex]!.split('-->').map((t) => parseSrtTime(t.trim()));
    if (from === undefined || to === undefined || Number.isNaN(from) || Number.isNaN(to)) continue;
    cues.push({ startMs: from, endMs: to, lines: lines.slice(timeIndex + 1).map((l) => l.trim()) });
  }
  return cues;
}

/** Parses `HH:MM:SS,mmm` (or `.mmm`) into milliseconds; NaN when malformed. */
export function parseSrtTime(text: string): number {
  const match = text.match(/^(\d+):(\d{1,2}):(\d{1,2})[,.](\d{1,3})/);
  if (!match) return Number.NaN;
  const ms = Number(match[4]!.padEnd(3, '0'));
  return ((Number(match[1]) * 60 + Number(match[2])) * 60 + Number(match[3])) * 1000 + ms;
}

/**
 * The cues overlapping `[startMs, endMs)`, clipped to it and shifted so `startMs` becomes 0: the
 * captions of one scene segment rendered on its own.
 */
export function sliceCues(cues: readonly SubtitleCue[], startMs: number, endMs: number): SubtitleCue[] {
  return cues
    .filter((cue) => cue.endMs > startMs && cue.startMs < endMs)
    .map((cue) => ({
      startMs: Math.max(cue.startMs, startMs) - startMs,
      endMs: Math.min(cue.endMs, endMs) - startMs,
      lines: cue.lines,
    }));
}

interface CaptionGroup {
  lines: string[];
  words: number;
}

function splitCaptions(text: string, maxChars: number, maxLines: number): CaptionGroup[] {
  const words = text.split(/\s+/).filter((w) => w !== '');
  const groups: CaptionGroup[] = [];
  let lines: string[] = [];
  let line = '';
  let count = 0;
  const flush = (): void => {
    if (line !== '') lines.push(line);
    if (lines.length > 0) groups.push({ lines, words: count });
    lines = [];
    line = '';
    count = 0;
  };
  for (const word of words) {
    if (line !== '' && line.length + 1 + word.length > maxChars) {
      lines.push(line);
      line = '';
      if (lines.length >= maxLines) flush();
    }
    line = line === '' ? word : `${line} ${word}`;
    count += 1;
    const sentenceEnd = /[.!?…]["')\]]?$/.test(word);
    const size = lines.reduce((n, l) => n + l.length + 1, 0) + line.length;
    if (sentenceEnd && size >= maxChars) flush();
  }
  flush();
  return groups;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
