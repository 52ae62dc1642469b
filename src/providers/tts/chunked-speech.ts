import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HeartbeatFn } from '../../domain/heartbeat.js';
import type { SynthesizeResult } from '../../domain/provider.js';
import { currentWorkTracker } from '../media/work-tracking.js';
import { concatWavs, type WavInfo } from './wav.js';

/** Input of {@link speakInChunks}. */
export interface ChunkedSpeech {
  /** Provider id, used in the temporary directory's name. */
  providerId: string;
  /** The text, already split into chunks. */
  chunks: readonly string[];
  /** What the first heartbeat says, e.g. `with voice en-us`. */
  voiceLabel: string;
  /** Where the joined WAV goes (written atomically). */
  outPath: string;
  /** Directory for the temporary chunk files. @default os.tmpdir() */
  tempDir?: string | undefined;
  signal: AbortSignal;
  heartbeat: HeartbeatFn;
  /** Text written to a chunk's file (e.g. typographic punctuation made ASCII). @default the chunk */
  prepareText?: (chunk: string) => string;
  /** Speaks the text file into the WAV file (one engine run). */
  speakChunk: (textPath: string, wavPath: string) => Promise<unknown>;
}

/**
 * Speaks chunk after chunk into temporary WAVs (one `chunks` heartbeat per chunk), joins them into
 * `outPath` and removes the temporary directory, which the job's work tracker knows about while it
 * exists (a crash leaves nothing a resumed attempt does not clean).
 */
export async function speakInChunks(speech: ChunkedSpeech): Promise<WavInfo> {
  const { chunks, heartbeat, signal } = speech;
  heartbeat({
    chunks: 0,
    message: `speaking ${chunks.length} chunk${chunks.length === 1 ? '' : 's'} ${speech.voiceLabel}`,
  });
  const dir = await mkdtemp(join(speech.tempDir ?? tmpdir(), `reelay-${speech.providerId}-`));
  const tracker = currentWorkTracker();
  tracker?.tempCreated(dir);
  try {
    const wavs: string[] = [];
    for (const [i, chunk] of chunks.entries()) {
      const textPath = join(dir, `chunk-${i}.txt`);
      const wavPath = join(dir, `chunk-${i}.wav`);
      await writeFile(textPath, speech.prepareText ? speech.prepareText(chunk) : chunk, 'utf8');
      await speech.speakChunk(textPath, wavPath);
      wavs.push(wavPath);
      heartbeat({ chunks: i + 1, message: `spoke chunk ${i + 1} of ${chunks.length}` });
    }
    signal.throwIfAborted();
    return await concatWavs(wavs, speech.outPath);
  } finally {
    await rm(dir, { recursive: true, force: true });
    tracker?.tempSettled(dir);
  }
}

/** The result of a chunked narration of `text` joined into the WAV at `outPath`. */
export function chunkedSpeechResult(outPath: string, text: string, wav: WavInfo): SynthesizeResult {
  return {
    path: outPath,
    durationMs: wav.durationMs,
    format: 'wav',
    usage: { characters: text.length, seconds: wav.durationMs / 1000 },
  };
}
