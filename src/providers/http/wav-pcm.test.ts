import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWavHeader, pcmDurationMs, pcmWavHeader, readWavInfo } from './wav-pcm.js';

describe('WAV helpers', () => {
  it('writes a header that parses back with the right duration', () => {
    const pcm = new Uint8Array(22050 * 2 * 3); // 3 s of 16-bit mono at 22.05 kHz
    const header = pcmWavHeader({ sampleRate: 22050 }, pcm.byteLength);
    expect(header.byteLength).toBe(44);
    const info = parseWavHeader(Buffer.concat([header, pcm]));
    expect(info).toMatchObject({
      sampleRate: 22050,
      channels: 1,
      bitsPerSample: 16,
      formatTag: 1,
      dataOffset: 44,
    });
    expect(info?.durationMs).toBe(3000);
    expect(pcmDurationMs({ sampleRate: 22050 }, pcm.byteLength + 1)).toBe(3000);
  });

  it('uses the bytes present when a streamed WAV declares a placeholder data size', async () => {
    const header = Buffer.from(pcmWavHeader({ sampleRate: 24000 }, 0xffffffff));
    const dir = await mkdtemp(join(tmpdir(), 'reelay-wav-'));
    const path = join(dir, 'streamed.wav');
    await writeFile(path, Buffer.concat([header, new Uint8Array(24000)]));
    expect((await readWavInfo(path))?.durationMs).toBe(500);
    await rm(dir, { recursive: true, force: true });
  });

  it('rejects bytes that are not a WAV header', () => {
    expect(parseWavHeader(new TextEncoder().encode('ID3 not a wav file at all'))).toBeUndefined();
  });
});
