import type { SubtitleCue } from './subtitles.js';

/** Styling of burned-in captions; sizes scale with the frame, so 16:9, 9:16 and 1:1 all read well. */
export interface AssStyleOptions {
  /** Frame width in pixels (the ASS `PlayResX`). */
  width: number;
  /** Frame height in pixels (the ASS `PlayResY`). */
  height: number;
  /** Font family (resolved through fontconfig). @default 'DejaVu Sans' */
  fontName?: string;
  /** Font size as a fraction of the frame's shorter side. @default 0.05 */
  fontScale?: number;
  /** Outline thickness as a fraction of the font size. @default 0.08 */
  outlineScale?: number;
  /** Bottom margin as a fraction of the frame height. @default 0.06 */
  bottomMargin?: number;
  /** Left and right margins as a fraction of the frame width. @default 0.05 */
  sideMargin?: number;
}

/** Formats milliseconds as an ASS timestamp `H:MM:SS.cc` (centiseconds, rounded down). */
export function formatAssTime(ms: number): string {
  const cs = Math.floor(Math.max(0, ms) / 10);
  const h = Math.floor(cs / 360_000);
  const m = Math.floor((cs % 360_000) / 6000);
  const s = Math.floor((cs % 6000) / 100);
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(cs % 100).padStart(2, '0')}`;
}

/** The font size in pixels {@link toAss} uses for a frame. */
export function assFontSize(options: AssStyleOptions): number {
  return Math.max(8, Math.round(Math.min(options.width, options.height) * (options.fontScale ?? 0.05)));
}

/**
 * Renders cues as an Advanced SubStation Alpha script sized for one frame: white text with a black
 * outline and soft shadow, centred at the bottom. A cue keeps its own line breaks when its lines
 * fit the frame; otherwise its lines are joined and libass wraps them (portrait frames).
 *
 * @example
 * await writeFile('segment-0.ass', toAss(sliceCues(cues, 0, 4000), { width: 1080, height: 1920 }));
 */
export function toAss(cues: readonly SubtitleCue[], options: AssStyleOptions): string {
  const { width, height } = options;
  const fontSize = assFontSize(options);
  const outline = Math.max(1, Math.round(fontSize * (options.outlineScale ?? 0.08)));
  const marginV = Math.round(height * (options.bottomMargin ?? 0.06));
  const marginLR = Math.round(width * (options.sideMargin ?? 0.05));
  // An average glyph of DejaVu Sans is about 0.55 em wide.
  const charsPerLine = Math.floor((width - 2 * marginLR) / (fontSize * 0.55));
  const header = [
    '[Script Info]',
    'ScriptType: v4.00+',
    `PlayResX: ${width}`,
    `PlayResY: ${height}`,
    'WrapStyle: 0',
    'ScaledBorderAndShadow: yes',
    'YCbCr Matrix: TV.709',
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
    `Style: Default,${options.fontName ?? 'DejaVu Sans'},${fontSize},&H00FFFFFF,&H000000FF,&H00000000,&H80000000,0,0,0,0,100,100,0,0,1,${outline},${Math.max(1, Math.round(outline / 2))},2,${marginLR},${marginLR},${marginV},1`,
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
  ];
  const events = cues.map((cue) => {
    const fits = cue.lines.every((l) => l.length <= charsPerLine);
    const lines = fits ? cue.lines : [cue.lines.join(' ')];
    const text = fitLongWords(lines, charsPerLine, fontSize);
    return `Dialogue: 0,${formatAssTime(cue.startMs)},${formatAssTime(cue.endMs)},Default,,0,0,0,,${text}`;
  });
  return `${[...header, ...events].join('\n')}\n`;
}

/** Smallest font size a long word may shrink to, as a fraction of the style's size. */
const MIN_SHRINK = 0.6;
/** Width of a wide glyph (W, M) of DejaVu Sans in em: long words are measured pessimistically. */
const WIDE_GLYPH_EM = 0.62;

/**
 * Escaped dialogue text for `lines`. A word longer than a line would run off the frame (libass
 * wraps only at spaces), so the event's font shrinks until the longest word fits, down to
 * {@link MIN_SHRINK} of its size; a word still too long is broken into pieces on their own lines.
 */
function fitLongWords(lines: readonly string[], charsPerLine: number, fontSize: number): string {
  const longest = Math.max(0, ...lines.flatMap((l) => l.split(/\s+/)).map((w) => [...w].length));
  // The normal estimate (0.55 em per glyph) is an average; a single long word may be all wide glyphs.
  const room = Math.floor((charsPerLine * 0.55) / WIDE_GLYPH_EM);
  if (longest <= room) return lines.map(escapeAss).join('\\N');
  const size = Math.max(Math.ceil(fontSize * MIN_SHRINK), Math.floor((fontSize * room) / longest));
  const perLine = Math.max(1, Math.floor((room * fontSize) / size));
  const broken = lines.map((line) =>
    line
      .split(/\s+/)
      .map((word) => {
        const chars = [...word];
        if (chars.length <= perLine) return escapeAss(word);
        const pieces: string[] = [];
        for (let i = 0; i < chars.length; i += perLine)
          pieces.push(escapeAss(chars.slice(i, i + perLine).join('')));
        return pieces.join('\\N');
      })
      .join(' '),
  );
  return `{\\fs${size}}${broken.join('\\N')}`;
}

/**
 * Makes caption text show as itself in libass: `{` and `}` become the escapes `\{` and `\}`
 * (else they open and close override blocks), and every `\` is followed by a word joiner (U+2060,
 * invisible) so it never forms an escape such as `\N`, `\h` or `\{`. Newlines become spaces.
 */
export function escapeAss(text: string): string {
  return text.replace(/\\/g, '\\\u2060').replace(/\{/g, '\\{').replace(/\}/g, '\\}').replace(/\r?\n/g, ' ');
}
