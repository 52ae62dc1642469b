import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { withTrackedTemp } from './work-tracking.js';

/**
 * A hidden sibling path for writing `path` atomically: same directory (so `rename` is atomic),
 * same extension (so FFmpeg picks the right muxer), unique per call.
 * @example tempSiblingPath('/w/segment-0.mp4') // '/w/.segment-0.3f9c1a2b.tmp.mp4'
 */
export function tempSiblingPath(path: string): string {
  const ext = extname(path);
  const stem = basename(path, ext);
  return join(dirname(path), `.${stem}.${randomBytes(4).toString('hex')}.tmp${ext}`);
}

/**
 * Produces `path` atomically: `produce` writes to a temporary sibling, which is renamed over
 * `path` only when `produce` succeeds; on failure the temporary file is removed and the error
 * rethrown, so readers never see a half-written file.
 *
 * @example await produceAtomically('/w/out.mp4', (tmp) => runFfmpeg([...args, tmp]));
 */
export async function produceAtomically<T>(
  path: string,
  produce: (tempPath: string) => Promise<T>,
): Promise<T> {
  const temp = tempSiblingPath(path);
  // Recorded while it may exist, so the next attempt removes it should this process die.
  return withTrackedTemp(temp, async () => {
    try {
      const result = await produce(temp);
      await rename(temp, path);
      return result;
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  });
}

/** Writes a whole file atomically (temporary sibling + rename). */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await produceAtomically(path, (temp) => writeFile(temp, data));
}

/** SHA-256 of a file's bytes, hex-encoded; streams, so large files are fine. */
export function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const stream = createReadStream(path, { signal });
    stream.on('data', (chunk) => hash.update(chunk));
    stream.once('error', reject);
    stream.once('end', () => resolve(hash.digest('hex')));
  });
}
