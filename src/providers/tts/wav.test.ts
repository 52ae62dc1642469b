import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReelayError } from '../../domain/errors.js';
import { concatWavs, parseWav, readWavInfo, wavHeader, writeSilentWav } from './wav.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reelay-wav-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function wav(samples: number, sampleRate = 22_050, fill = 0): Buffer {
  const data = Buffer.alloc(samples * 2, fill);
  return Buffer.concat([wavHeader(data.length, sampleRate), data]);
}

describe('parseWav', () => {
  it('reads format and duration from the header', () => {
    const info = parseWav(wav(22_050));
    expect(info).toMatchObject({
      audioFormat: 1,
      channels: 1,
      sampleRate: 22_050,
      bitsPerSample: 16,
      byteRate: 44_100,
    });
    expect(info.dataOffset).toBe(44);
    expect(info.durationMs).toBe(1000);
  });

  it('skips unknown chunks (LIST) before data, keeping word alignment', () => {
    const base = wav(441, 44_100);
    const list = Buffer.concat([
      Buffer.from('LIST'),
      Buffer.from([3, 0, 0, 0]),
      Buffer.from('abc'),
      Buffer.alloc(1),
    ]);
    const withList = Buffer.concat([base.subarray(0, 36), list, base.subarray(36)]);
    const info = parseWav(withList);
    expect(info.dataOffset).toBe(36 + 12 + 8);
    expect(info.durationMs).toBe(10);
  });

  it('clamps a placeholder data size to the bytes present', () => {
    const buffer = wav(2205);
    buffer.writeUInt32LE(0x7fff_f000, 40);
    expect(parseWav(buffer).durationMs).toBe(100);
  });

  it('rejects what is not a WAV, with a processing_error', () => {
    expect(() => parseWav(Buffer.from('ID3 not a wav at all'))).toThrow(/no RIFF\/WAVE header/);
    const noData = wavHeader(0, 22_050).subarray(0, 36);
    try {
      parseWav(noData, 'x.wav');
      expect.unreachable();
    } catch (error) {
      expect(ReelayError.isInstance(error) && error.category).toBe('processing_error');
      expect((error as Error).message).toContain('x.wav');
    }
  });
});

describe('writeSilentWav', () => {
  it('writes exactly the requested duration of zeros', async () => {
    const path = join(dir, 'silence.wav');
    expect(await writeSilentWav(path, 2500)).toBe(2500);
    const bytes = await readFile(path);
    const info = parseWav(bytes);
    expect(info.durationMs).toBe(2500);
    expect(info.dataBytes).toBe(2500 * 22.05 * 2);
    expect(bytes.subarray(44).every((b) => b === 0)).toBe(true);
  });

  it('honours the sample rate', async () => {
    const path = join(dir, 's.wav');
    await writeSilentWav(path, 1000, 8000);
    expect(await readWavInfo(path)).toMatchObject({ sampleRate: 8000, dataBytes: 16_000, durationMs: 1000 });
  });
});

describe('concatWavs', () => {
  it('joins sample data and sums durations', async () => {
    await writeFile(join(dir, 'a.wav'), wav(22_050, 22_050, 1));
    await writeFile(join(dir, 'b.wav'), wav(11_025, 22_050, 2));
    const info = await concatWavs([join(dir, 'a.wav'), join(dir, 'b.wav')], join(dir, 'out.wav'));
    expect(info.durationMs).toBe(1500);
    const out = await readFile(join(dir, 'out.wav'));
    expect(out[44]).toBe(1);
    expect(out[out.length - 1]).toBe(2);
  });

  it('refuses different formats', async () => {
    await writeFile(join(dir, 'a.wav'), wav(100, 22_050));
    await writeFile(join(dir, 'b.wav'), wav(100, 44_100));
    await expect(concatWavs([join(dir, 'a.wav'), join(dir, 'b.wav')], join(dir, 'o.wav'))).rejects.toThrow(
      /different format/,
    );
  });
});
