import { open } from 'node:fs/promises';

/** Format of raw PCM audio. */
export interface PcmFormat {
  /** Samples per second, e.g. 22050. */
  sampleRate: number;
  /** @default 1 */
  channels?: number;
  /** @default 16 */
  bitsPerSample?: number;
}

/** Size of the canonical RIFF/WAVE header written by {@link pcmWavHeader}. */
export const WAV_HEADER_BYTES = 44;

/**
 * The 44-byte RIFF/WAVE header for `dataBytes` of little-endian PCM; write it before the samples
 * (or reserve its space while streaming and fill it in at the end).
 *
 * @example await file.write(pcmWavHeader({ sampleRate: 22050 }, pcmBytes), 0, 44, 0);
 */
export function pcmWavHeader(format: PcmFormat, dataBytes: number): Uint8Array {
  const channels = format.channels ?? 1;
  const bits = format.bitsPerSample ?? 16;
  const blockAlign = channels * (bits / 8);
  const header = Buffer.alloc(WAV_HEADER_BYTES);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(Math.min(0xffffffff, 36 + dataBytes), 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(format.sampleRate, 24);
  header.writeUInt32LE(format.sampleRate * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(bits, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(Math.min(0xffffffff, dataBytes), 40);
  return new Uint8Array(header.buffer, header.byteOffset, header.byteLength);
}

/** Duration in ms of `dataBytes` of PCM in `format` (whole samples only). */
export function pcmDurationMs(format: PcmFormat, dataBytes: number): number {
  const blockAlign = (format.channels ?? 1) * ((format.bitsPerSample ?? 16) / 8);
  return (Math.floor(dataBytes / blockAlign) / format.sampleRate) * 1000;
}

/** What a WAV header says. */
export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Audio format tag (1 = PCM, 3 = IEEE float). */
  formatTag: number;
  /** Offset of the sample data in the file. */
  dataOffset: number;
  /** Bytes of sample data actually present. */
  dataBytes: number;
  durationMs: number;
}

/**
 * Parses a RIFF/WAVE header. `fileSize` bounds the data chunk: streamed WAVs (OpenAI's speech
 * endpoint among them) declare a placeholder size (0 or 0xFFFFFFFF), so the bytes actually present
 * decide the duration. Returns `undefined` when the bytes are not a WAV header.
 */
export function parseWavHeader(bytes: Uint8Array, fileSize: number = bytes.byteLength): WavInfo | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    return undefined;
  }
  let offset = 12;
  let fmt: Omit<WavInfo, 'dataOffset' | 'dataBytes' | 'durationMs'> | undefined;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ' && body + 16 <= buf.length) {
      fmt = {
        formatTag: buf.readUInt16LE(body),
        channels: buf.readUInt16LE(body + 2),
        sampleRate: buf.readUInt32LE(body + 4),
        bitsPerSample: buf.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!fmt || fmt.sampleRate === 0 || fmt.channels === 0 || fmt.bitsPerSample === 0) return undefined;
      const present = Math.max(0, fileSize - body);
      const dataBytes = size === 0 || size > present ? present : size;
      const blockAlign = fmt.channels * (fmt.bitsPerSample / 8);
      const durationMs = (Math.floor(dataBytes / blockAlign) / fmt.sampleRate) * 1000;
      return { ...fmt, dataOffset: body, dataBytes, durationMs };
    }
    offset = body + size + (size % 2);
  }
  return undefined;
}

/** Reads the header of a WAV file on disk (the first 64 KiB are enough for any real header). */
export async function readWavInfo(path: string): Promise<WavInfo | undefined> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const head = Buffer.alloc(Math.min(size, 64 * 1024));
    await file.read(head, 0, head.length, 0);
    return parseWavHeader(head, size);
  } finally {
    await file.close();
  }
}
