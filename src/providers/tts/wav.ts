import { readFile } from 'node:fs/promises';
import { ReelayError } from '../../domain/errors.js';
import { pcmWavHeader } from '../http/wav-pcm.js';
import { writeFileAtomic } from '../media/atomic-file.js';

/** The facts of a PCM WAV file that narration needs. */
export interface WavInfo {
  /** 1 = PCM. */
  audioFormat: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** Bytes per second (sampleRate × channels × bitsPerSample / 8). */
  byteRate: number;
  /** Offset of the first sample byte. */
  dataOffset: number;
  /** Bytes of sample data (clamped to what the buffer holds). */
  dataBytes: number;
  /** Duration in milliseconds, from the data size and the byte rate. */
  durationMs: number;
}

function badWav(reason: string, source?: string): ReelayError {
  return new ReelayError(
    'REELAY_ERR_PROVIDER',
    `Not a usable WAV file${source ? ` (${source})` : ''}: ${reason}.`,
    {
      category: 'processing_error',
      retryable: false,
      details: { reason },
    },
  );
}

/**
 * Parses a RIFF/WAVE header: walks the chunks to `fmt ` and `data` (skipping others such as
 * `LIST`), and computes the duration from the data size. A data size larger than the bytes
 * present (streamed writers put a placeholder there) is clamped to what is present.
 * Throws a `REELAY_ERR_PROVIDER` ReelayError (`processing_error`) when the bytes are not a WAV.
 *
 * @example parseWav(await readFile('narration.wav')).durationMs
 */
export function parseWav(buffer: Uint8Array, source?: string): WavInfo {
  const view = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (
    view.length < 12 ||
    view.toString('ascii', 0, 4) !== 'RIFF' ||
    view.toString('ascii', 8, 12) !== 'WAVE'
  ) {
    throw badWav('no RIFF/WAVE header', source);
  }
  let fmt: Omit<WavInfo, 'dataOffset' | 'dataBytes' | 'durationMs'> | undefined;
  let offset = 12;
  while (offset + 8 <= view.length) {
    const id = view.toString('ascii', offset, offset + 4);
    const size = view.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > view.length) throw badWav('truncated fmt chunk', source);
      fmt = {
        audioFormat: view.readUInt16LE(body),
        channels: view.readUInt16LE(body + 2),
        sampleRate: view.readUInt32LE(body + 4),
        byteRate: view.readUInt32LE(body + 8),
        bitsPerSample: view.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!fmt) throw badWav('data chunk before fmt chunk', source);
      if (fmt.byteRate === 0) throw badWav('byte rate of 0', source);
      const dataBytes = Math.min(size, view.length - body);
      return {
        ...fmt,
        dataOffset: body,
        dataBytes,
        durationMs: Math.round((dataBytes / fmt.byteRate) * 1000),
      };
    }
    offset = body + size + (size % 2); // chunks are word-aligned
  }
  throw badWav(fmt ? 'no data chunk' : 'no fmt chunk', source);
}

/** Reads and parses a WAV file's header (reads the whole file; narration files are small). */
export async function readWavInfo(path: string): Promise<WavInfo> {
  return parseWav(await readFile(path), path);
}

/**
 * Builds a canonical 44-byte PCM WAV header for `dataBytes` of samples — the one WAV writer of the
 * code base ({@link pcmWavHeader}), as a Buffer for concatenation.
 */
export function wavHeader(dataBytes: number, sampleRate: number, channels = 1, bitsPerSample = 16): Buffer {
  const header = pcmWavHeader({ sampleRate, channels, bitsPerSample }, dataBytes);
  return Buffer.from(header.buffer, header.byteOffset, header.byteLength);
}

/**
 * Writes a silent 16-bit mono PCM WAV of `durationMs` (rounded to whole samples), atomically.
 * Returns the exact duration written.
 *
 * @example await writeSilentWav('/w/scene-1.wav', 2500); // 2500
 */
export async function writeSilentWav(path: string, durationMs: number, sampleRate = 22_050): Promise<number> {
  const samples = Math.max(0, Math.round((durationMs * sampleRate) / 1000));
  const data = Buffer.alloc(samples * 2);
  await writeFileAtomic(path, Buffer.concat([wavHeader(data.length, sampleRate), data]));
  return Math.round((samples / sampleRate) * 1000);
}

/**
 * Joins PCM WAV files of the same format into one, atomically; returns the result's header.
 * Throws when the formats differ (sample rate, channels or bits).
 */
export async function concatWavs(inputs: readonly string[], outPath: string): Promise<WavInfo> {
  if (inputs.length === 0) throw badWav('nothing to join');
  const parts: Buffer[] = [];
  let first: WavInfo | undefined;
  for (const input of inputs) {
    const buffer = await readFile(input);
    const info = parseWav(buffer, input);
    first ??= info;
    if (
      info.sampleRate !== first.sampleRate ||
      info.channels !== first.channels ||
      info.bitsPerSample !== first.bitsPerSample
    ) {
      throw badWav(`${input} has a different format from ${inputs[0]}`, input);
    }
    parts.push(buffer.subarray(info.dataOffset, info.dataOffset + info.dataBytes));
  }
  const data = Buffer.concat(parts);
  const out = Buffer.concat([
    wavHeader(data.length, first!.sampleRate, first!.channels, first!.bitsPerSample),
    data,
  ]);
  await writeFileAtomic(outPath, out);
  return parseWav(out, outPath);
}
