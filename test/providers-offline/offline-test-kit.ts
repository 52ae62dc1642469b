/** Shared helpers of the offline provider tests: a recording call context and audio loudness. */
import type { Heartbeat } from '../../src/domain/heartbeat.js';
import { parseWav } from '../../src/providers/tts/wav.js';

/** A provider call context whose heartbeats are pushed onto `beats`. */
export function ctx(beats: Heartbeat[] = [], signal = new AbortController().signal) {
  return { signal, heartbeat: (b: Heartbeat) => beats.push(b) };
}

/** Root-mean-square of 16-bit mono samples. */
export function rms(bytes: Buffer): number {
  const info = parseWav(bytes);
  let sum = 0;
  const n = info.dataBytes / 2;
  for (let i = 0; i < n; i++) sum += bytes.readInt16LE(info.dataOffset + i * 2) ** 2;
  return Math.sqrt(sum / n);
}
