/** Background and accent colours of one card (hex `RRGGBB`, no `#`). */
export interface CardPalette {
  from: string;
  to: string;
  accent: string;
}

/**
 * Tasteful dark gradient pairs with a warm or bright accent; white text reads well on all of
 * them. Consecutive scenes never share a palette (see {@link paletteIndex}).
 */
export const CARD_PALETTES: readonly CardPalette[] = [
  { from: '1e3c72', to: '2a5298', accent: 'ffd166' },
  { from: '0f2027', to: '2c5364', accent: '4fd1c5' },
  { from: '42275a', to: '734b6d', accent: 'f6ad55' },
  { from: '134e5e', to: '3f8f6b', accent: 'f9f871' },
  { from: '232526', to: '4a4d50', accent: 'ff6b6b' },
  { from: '3a1c71', to: 'a4506a', accent: 'ffaf7b' },
  { from: '1d2671', to: '9c2f5e', accent: 'ffe29f' },
  { from: '0b486b', to: 'b4531f', accent: 'fff3b0' },
  { from: '16222a', to: '3a6073', accent: 'e0c3fc' },
  { from: '4b134f', to: 'a93c3c', accent: 'fdd835' },
];

/** One line of text to draw. */
export interface CardText {
  text: string;
  font: 'bold' | 'regular';
  size: number;
  /** Colour `RRGGBB` and opacity 0–1. */
  color: string;
  alpha: number;
  x: number;
  /** Baseline position. */
  baseline: number;
}

/** A filled rectangle to draw. */
export interface CardBox {
  x: number;
  y: number;
  w: number;
  h: number;
  color: string;
  alpha: number;
}

/** Everything needed to render one card. */
export interface CardLayout {
  width: number;
  height: number;
  palette: CardPalette;
  /** Gradient line from (x0, y0) to (x1, y1). */
  gradient: { x0: number; y0: number; x1: number; y1: number };
  boxes: CardBox[];
  texts: CardText[];
}

/** Input of {@link layoutCard}. */
export interface CardInput {
  title: string;
  caption: string;
  width: number;
  height: number;
  /** 0-based. */
  sceneIndex: number;
  sceneCount: number;
}

/** FNV-1a 32-bit hash for deterministic visual choices. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Palette of a scene: stepping 3 through 10 palettes keeps neighbours apart; the title nudges it. */
export function paletteIndex(sceneIndex: number, title: string): number {
  return (sceneIndex * 3 + (hash32(title) % 2)) % CARD_PALETTES.length;
}

/** Approximate advance width of a character in em for DejaVu Sans (bold is ~8 % wider). */
function charEm(ch: string): number {
  if (ch === ' ') return 0.32;
  if (/[iljtfr.,;:'!|()[\]]/.test(ch)) return 0.36;
  if (/[mwMW@]/.test(ch)) return 0.92;
  if (/[A-Z0-9&%#]/.test(ch)) return 0.7;
  return 0.6;
}

/** Estimated pixel width of `text` at `size`. */
export function textWidth(text: string, size: number, font: 'bold' | 'regular'): number {
  let em = 0;
  for (const ch of text) em += charEm(ch);
  return em * size * (font === 'bold' ? 1.08 : 1);
}

/**
 * Greedy word wrap to `maxWidth`; words longer than a line are cut. When more than `maxLines`
 * lines result, the last kept line ends with an ellipsis.
 */
export function wrapText(
  text: string,
  size: number,
  font: 'bold' | 'regular',
  maxWidth: number,
  maxLines: number,
): string[] {
  const lines: string[] = [];
  let current = '';
  for (let word of text.split(/\s+/).filter((w) => w !== '')) {
    while (textWidth(word, size, font) > maxWidth && word.length > 1) {
      let cut = word.length - 1;
      while (cut > 1 && textWidth(word.slice(0, cut), size, font) > maxWidth) cut--;
      if (current) lines.push(current);
      lines.push(word.slice(0, cut));
      current = '';
      word = word.slice(cut);
    }
    const candidate = current ? `${current} ${word}` : word;
    if (current && textWidth(candidate, size, font) > maxWidth) {
      lines.push(current);
      current = word;
    } else current = candidate;
  }
  if (current) lines.push(current);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  let last = `${kept[maxLines - 1]}…`;
  while (textWidth(last, size, font) > maxWidth && last.length > 2) last = `${last.slice(0, -2).trimEnd()}…`;
  kept[maxLines - 1] = last;
  return kept;
}

/** Removes characters the card fonts cannot draw (emoji, controls) and collapses spaces. */
export function cleanText(text: string): string {
  return text
    .replace(/[^\p{L}\p{M}\p{N}\p{P}\p{Zs}$+<=>^`|~°±×÷€£¥©®™]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Lays out a card: a large bold title (wrapped, shrunk until it fits in four lines), an accent
 * rule, a short caption (at most three lines), a small `scene n / N` marker at the top, and a
 * large faint scene number in the lower corner; sizes relative to min(width, height), with safe
 * margins; colours and gradient direction chosen by scene index and a hash of the title.
 */
export function layoutCard(input: CardInput): CardLayout {
  const { width: w, height: h } = input;
  const m = Math.min(w, h);
  const portrait = h > w;
  const marginX = Math.round(m * 0.1);
  const marginY = Math.round(portrait ? h * 0.1 : m * 0.08);
  const maxWidth = Math.min(w - 2 * marginX, Math.round(w * 0.8));
  const palette = CARD_PALETTES[paletteIndex(input.sceneIndex, input.title)] as CardPalette;
  const seed = hash32(input.title);

  const title = cleanText(input.title) || `Scene ${input.sceneIndex + 1}`;
  let titleSize = Math.round(m * (portrait ? 0.1 : 0.09));
  let titleLines = wrapText(title, titleSize, 'bold', maxWidth, 99);
  while (titleLines.length > 4 && titleSize > m * 0.05) {
    titleSize = Math.round(titleSize * 0.9);
    titleLines = wrapText(title, titleSize, 'bold', maxWidth, 99);
  }
  titleLines = wrapText(title, titleSize, 'bold', maxWidth, 4);
  const captionSize = Math.max(12, Math.round(m * 0.038));
  // Shorter caption lines in landscape keep clear of the faint scene number.
  const captionWidth = portrait ? maxWidth : Math.min(maxWidth, Math.round(w * 0.68));
  const captionLines = wrapText(cleanText(input.caption), captionSize, 'regular', captionWidth, 3);
  const markerSize = Math.max(10, Math.round(m * 0.028));

  const titleLead = Math.round(titleSize * 1.15);
  const captionLead = Math.round(captionSize * 1.4);
  const rule = {
    gap: Math.round(titleSize * 0.45),
    h: Math.max(2, Math.round(m * 0.008)),
    w: Math.round(m * 0.12),
  };
  const blockH =
    titleLead * titleLines.length +
    (captionLines.length > 0 ? rule.gap * 2 + rule.h + captionLead * captionLines.length : 0);
  // Optically centred: a little above the middle, never into the margins.
  let top = Math.round((h - blockH) * 0.46);
  top = Math.min(Math.max(top, marginY + markerSize * 2), Math.max(marginY, h - marginY - blockH));

  const texts: CardText[] = [];
  const boxes: CardBox[] = [];
  const n = input.sceneIndex + 1;
  const bigSize = Math.round(m * 0.5);
  texts.push({
    text: String(n),
    font: 'bold',
    size: bigSize,
    color: 'ffffff',
    alpha: 0.07,
    x: Math.round(w - marginX * 0.5 - textWidth(String(n), bigSize, 'bold')),
    baseline: Math.round(h - marginY * 0.4),
  });
  const marker = `SCENE ${n} / ${Math.max(input.sceneCount, n)}`;
  texts.push({
    text: marker,
    font: 'bold',
    size: markerSize,
    color: palette.accent,
    alpha: 0.95,
    x: marginX,
    baseline: marginY + markerSize,
  });
  titleLines.forEach((line, i) => {
    texts.push({
      text: line,
      font: 'bold',
      size: titleSize,
      color: 'ffffff',
      alpha: 1,
      x: marginX,
      baseline: top + titleLead * i + Math.round(titleSize * 0.95),
    });
  });
  if (captionLines.length > 0) {
    const ruleY = top + titleLead * titleLines.length + rule.gap;
    boxes.push({ x: marginX, y: ruleY, w: rule.w, h: rule.h, color: palette.accent, alpha: 1 });
    captionLines.forEach((line, i) => {
      const baseline = ruleY + rule.h + rule.gap + captionLead * i + Math.round(captionSize * 1.0);
      texts.push({
        text: line,
        font: 'regular',
        size: captionSize,
        color: 'ffffff',
        alpha: 0.85,
        x: marginX,
        baseline,
      });
    });
  }
  // Gradient runs corner to corner; the title hash picks which diagonal.
  const flip = seed % 4;
  const gradient = {
    x0: flip & 1 ? w : 0,
    y0: flip & 2 ? h : 0,
    x1: flip & 1 ? 0 : w,
    y1: flip & 2 ? 0 : h,
  };
  return { width: w, height: h, palette, gradient, boxes, texts };
}
