import { describe, expect, it } from 'vitest';
import {
  CARD_PALETTES,
  cleanText,
  layoutCard,
  paletteIndex,
  textWidth,
  wrapText,
} from './title-card-layout.js';

const base = {
  title: 'How Solar Panels Convert Sunlight into Electricity',
  caption: 'Cells, inverters and net metering.',
  sceneIndex: 0,
  sceneCount: 5,
};

describe('title card layout', () => {
  it('never gives neighbouring scenes the same palette', () => {
    for (const title of ['A', 'Tides', 'Key Takeaways', 'x'.repeat(40)]) {
      for (let i = 0; i < 30; i++) expect(paletteIndex(i, title)).not.toBe(paletteIndex(i + 1, title));
    }
    expect(new Set(Array.from({ length: 10 }, (_, i) => paletteIndex(i, 'T'))).size).toBe(
      CARD_PALETTES.length,
    );
  });

  it('wraps within the width and ellipsises past the line limit', () => {
    const lines = wrapText('one two three four five six seven eight nine ten', 20, 'bold', 100, 3);
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(textWidth(l, 20, 'bold')).toBeLessThanOrEqual(100);
    expect(lines[2]?.endsWith('…')).toBe(true);
    expect(wrapText('short', 20, 'bold', 100, 3)).toEqual(['short']);
  });

  it('cuts a word longer than a line', () => {
    const lines = wrapText('Supercalifragilisticexpialidocious', 20, 'regular', 120, 5);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join('')).toBe('Supercalifragilisticexpialidocious');
  });

  it('removes characters the fonts cannot draw', () => {
    expect(cleanText('Launch 🚀 day\u0007  now')).toBe('Launch day now');
  });

  it.each([
    [1920, 1080],
    [1080, 1920],
    [1080, 1080],
    [640, 360],
  ])('keeps every text line inside the frame and the side margins at %i×%i', (width, height) => {
    const layout = layoutCard({
      ...base,
      width,
      height,
      title: 'A Rather Long Title That Needs Several Lines To Fit On Any Card At All',
    });
    const margin = Math.round(Math.min(width, height) * 0.08);
    for (const t of layout.texts.slice(1)) {
      // slice(1): the faint background number may bleed past the margin by design.
      expect(t.x).toBeGreaterThanOrEqual(margin);
      expect(t.x + textWidth(t.text, t.size, t.font)).toBeLessThanOrEqual(width - margin);
      expect(t.baseline - t.size).toBeGreaterThanOrEqual(0);
      expect(t.baseline).toBeLessThanOrEqual(height - margin);
    }
    const titleLines = layout.texts.filter((t) => t.font === 'bold' && t.alpha === 1);
    expect(titleLines.length).toBeGreaterThanOrEqual(2);
    expect(titleLines.length).toBeLessThanOrEqual(4);
  });

  it('sizes fonts relative to the shorter side', () => {
    const wide = layoutCard({ ...base, width: 1920, height: 1080 });
    const small = layoutCard({ ...base, width: 640, height: 360 });
    const titleSize = (l: typeof wide) => l.texts.find((t) => t.alpha === 1)?.size ?? 0;
    expect(titleSize(wide) / titleSize(small)).toBeCloseTo(3, 1);
  });

  it('shows the scene marker and differs between scenes, deterministically', () => {
    const a = layoutCard({ ...base, width: 640, height: 360, sceneIndex: 1 });
    expect(a.texts.some((t) => t.text === 'SCENE 2 / 5')).toBe(true);
    expect(layoutCard({ ...base, width: 640, height: 360, sceneIndex: 1 })).toEqual(a);
    expect(layoutCard({ ...base, width: 640, height: 360, sceneIndex: 2 }).palette).not.toEqual(a.palette);
  });

  it('falls back to a scene title when the title is empty after cleaning', () => {
    const l = layoutCard({ ...base, title: '🚀', caption: '', width: 640, height: 360 });
    expect(l.texts.some((t) => t.text === 'Scene 1')).toBe(true);
    expect(l.boxes).toHaveLength(0); // no caption, no accent rule
  });
});
