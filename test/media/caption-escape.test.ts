/**
 * Burned-in captions show `{`, `}` and `\` as themselves (real libass through FFmpeg): the text is
 * drawn white on black and the lit pixels are compared.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFfmpeg } from '../../src/providers/media/ffmpeg-process.js';
import { toAss } from '../../src/providers/video/subtitles-ass.js';

const W = 640;
const H = 360;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reelay-caption-it-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Renders one caption line over black and returns the gray frame (one byte per pixel). */
async function render(text: string, name: string): Promise<Buffer> {
  await writeFile(
    join(dir, `${name}.ass`),
    toAss([{ startMs: 0, endMs: 2000, lines: [text] }], { width: W, height: H }),
  );
  const out = join(dir, `${name}.gray`);
  await runFfmpeg(
    [
      '-f',
      'lavfi',
      '-i',
      `color=c=black:s=${W}x${H}:d=1`,
      '-vf',
      `ass=filename=${name}.ass,format=gray`,
    ].concat(['-frames:v', '1', '-f', 'rawvideo', out]),
    { cwd: dir },
  );
  return readFile(out);
}

/** Columns and rows holding bright (text) pixels. */
function ink(frame: Buffer, threshold = 200): { columns: number; rows: number } {
  const cols = new Set<number>();
  const rows = new Set<number>();
  for (let i = 0; i < frame.length; i++) {
    if ((frame[i] ?? 0) > threshold) {
      cols.add(i % W);
      rows.add(Math.floor(i / W));
    }
  }
  return { columns: cols.size, rows: rows.size };
}

describe('caption escaping (real libass)', () => {
  it('draws braces: "{x}" is wider than "x" and differs from "(x)"', async () => {
    const braces = await render('{x}', 'braces');
    const plain = await render('x', 'plain');
    const parens = await render('(x)', 'parens');
    expect(ink(braces).columns).toBeGreaterThan(ink(plain).columns * 2);
    expect(braces.equals(parens)).toBe(false);
  }, 60_000);

  it('draws a backslash as itself: "a\\Nb" stays on one line, wider than "ab"', async () => {
    const escaped = ink(await render('a\\Nb', 'backslash'));
    const twoLetters = ink(await render('ab', 'ab'));
    const twoLines = ink(await render('a b'.replace(' ', '\n'), 'newline'));
    expect(escaped.rows).toBeLessThan(twoLetters.rows * 1.5);
    expect(escaped.columns).toBeGreaterThan(twoLetters.columns * 1.5);
    expect(twoLines.rows).toBeLessThan(twoLetters.rows * 1.5); // newlines in a line become spaces
  }, 60_000);

  it('keeps a very long word inside the frame', async () => {
    const frame = await render('Supercalifragilisticexpialidocious'.repeat(3), 'long');
    for (let y = 0; y < H; y++) {
      expect(frame[y * W] ?? 0, `left edge, row ${y}`).toBeLessThan(200);
      expect(frame[y * W + W - 1] ?? 0, `right edge, row ${y}`).toBeLessThan(200);
    }
    // Shrunk and broken, it still spans most of the width (small glyphs: a lower brightness cut).
    expect(ink(frame, 60).columns).toBeGreaterThan(W / 2);
  }, 60_000);
});
