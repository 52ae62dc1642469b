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
    const text = fits ? cue.lines.map(escapeAss).join('\\N') : escapeAss(cue.lines.join(' '));
    return `Dialogue: 0,${formatAssTime(cue.startMs)},${formatAssTime(cue.endMs)},Default,,0,0,0,,${text}`;
  });
  return `${[...header, ...events].join('\n')}\n`;
}

/** Neutralises ASS override blocks and escape sequences in caption text. */
function escapeAss(text: string): string {
  return text.replace(/\\/g, '\u29F5').replace(/\{/g, '(').replace(/\}/g, ')').replace(/\n/g, ' ');
}
