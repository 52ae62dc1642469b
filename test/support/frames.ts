import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runFfmpeg } from '../../src/providers/media/ffmpeg-process.js';

/** One frame at `atSec` as 8-bit gray pixels (width × height bytes), written under `scratch`. */
export async function grayFrame(
  video: string,
  atSec: number,
  scratch: string,
  name = `frame-${Math.random().toString(36).slice(2)}`,
): Promise<Buffer> {
  const out = join(scratch, `${name}.gray`);
  await runFfmpeg([
    '-ss',
    String(atSec),
    '-i',
    video,
    '-frames:v',
    '1',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'gray',
    out,
  ]);
  return readFile(out);
}

/** Mean absolute difference (0–255) of two gray frames over rows [fromRow, toRow). */
export function rowDiff(a: Buffer, b: Buffer, width: number, fromRow: number, toRow: number): number {
  let sum = 0;
  for (let i = fromRow * width; i < toRow * width; i++) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return sum / ((toRow - fromRow) * width);
}
